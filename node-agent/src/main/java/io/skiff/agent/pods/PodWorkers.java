package io.skiff.agent.pods;

import com.google.inject.Inject;
import com.google.inject.Singleton;
import io.skiff.agent.AgentConfig;
import io.skiff.client.workqueue.WorkQueue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sync loop: a work queue of pod uids and the workers that take a uid, sync that pod, and put
 * it back when the sync wants another look later (a back-off ending) or failed (rate-limited).
 * Anything may {@link #enqueue} a uid — pod changes, container events, probe verdicts, timers —
 * and repeated adds collapse.
 */
@Singleton
public final class PodWorkers implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PodWorkers.class);

  private final PodSyncer syncer;
  private final int count;
  private final WorkQueue<String> queue = new WorkQueue<>("pod-sync", Duration.ofMillis(100), Duration.ofSeconds(30));
  private final List<Thread> threads = new ArrayList<>();

  @Inject
  public PodWorkers(AgentConfig config, PodSyncer syncer) {
    this.syncer = syncer;
    this.count = config.syncWorkers();
  }

  public void start() {
    for (int i = 0; i < count; i++) {
      Thread thread = new Thread(this::work, "pod-sync-" + i);
      thread.setDaemon(true);
      thread.start();
      threads.add(thread);
    }
  }

  public void enqueue(String uid) {
    queue.add(uid);
  }

  private void work() {
    queue.process(syncer::sync, (uid, e) -> log.warn("sync of pod {} failed; will retry", uid, e));
  }


  @Override
  public void close() {
    queue.close();
    threads.forEach(Thread::interrupt);
  }
}
