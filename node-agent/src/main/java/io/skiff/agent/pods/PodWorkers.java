package io.skiff.agent.pods;

import com.google.inject.Inject;
import com.google.inject.Singleton;
import io.skiff.agent.AgentConfig;
import io.skiff.agent.threads.AgentThreads;
import io.skiff.client.workqueue.WorkQueue;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
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
  private final WorkQueue<String> queue;
  private final ExecutorService executor;

  @Inject
  public PodWorkers(AgentConfig config, PodSyncer syncer, AgentThreads threads) {
    this.syncer = syncer;
    this.count = config.syncWorkers();
    this.queue = new WorkQueue<>(threads.scheduler("pod-sync-delays", 1), Duration.ofMillis(100),
        Duration.ofSeconds(30));
    this.executor = threads.workers("pod-sync", count);
  }

  public void start() {
    queue.processOn(executor, count, syncer::sync, (uid, e) -> log.warn("sync of pod {} failed; will retry", uid, e));
  }

  public void enqueue(String uid) {
    queue.add(uid);
  }

  @Override
  public void close() {
    queue.close();
    executor.shutdownNow();
  }
}
