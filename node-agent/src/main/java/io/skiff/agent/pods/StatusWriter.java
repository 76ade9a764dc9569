package io.skiff.agent.pods;

import com.google.inject.Inject;
import com.google.inject.Singleton;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.skiff.agent.MasterApi;
import io.skiff.agent.threads.AgentThreads;
import io.skiff.client.workqueue.WorkQueue;
import io.skiff.api.v1.ObjectMeta;
import io.skiff.api.v1.Pod;
import io.skiff.api.v1.PodStatus;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes pod statuses to the masters apart from the sync, as the kubelet's status manager does: a
 * sync hands over the status it computed and goes on, and this writer sends the latest one of each
 * pod with UpdateStatus — only when it differs from what was last written (or, before the first
 * write, from what the master has). While the masters are unreachable writes are retried with
 * back-off; the pods' containers are not held up by it. Each status carries the pod's uid, so it
 * never lands on a namesake that replaced a deleted pod. Thread-safe; one write at a time.
 */
@Singleton
public final class StatusWriter implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(StatusWriter.class);

  private record Pending(Pod pod, PodStatus status) {
  }

  private final MasterApi api;
  private final Map<String, Pending> pending = new ConcurrentHashMap<>();
  private final Map<String, PodStatus> written = new ConcurrentHashMap<>();
  private final WorkQueue<String> queue;
  private final ExecutorService executor;

  @Inject
  public StatusWriter(MasterApi api, AgentThreads threads) {
    this.api = api;
    this.queue = new WorkQueue<>(threads.scheduler("status-writer-delays", 1), Duration.ofMillis(200),
        Duration.ofSeconds(10));
    this.executor = threads.workers("status-writer", 1);
  }

  public void start() {
    queue.processOn(executor, 1, uid -> {
      write(uid);
      return null;
    }, (uid, e) -> {
      if (e instanceof StatusRuntimeException refused) {
        log.warn("cannot write the status of pod {} ({}); retrying", uid, refused.getStatus());
      } else {
        log.error("writing the status of pod {} failed", uid, e);
      }
    });
  }

  /** The status as this agent last wrote it, else as the master has it: what a new status builds on. */
  public PodStatus base(Pod pod) {
    return written.getOrDefault(pod.getMetadata().getUid(), pod.getStatus());
  }

  /** Asks for {@code status} to be written, unless it is what the pod already has. */
  public void offer(Pod pod, PodStatus status) {
    String uid = pod.getMetadata().getUid();
    PodStatus last = written.get(uid);
    if (status.equals(last) || (last == null && status.equals(pod.getStatus()))) {
      pending.remove(uid);
      return;
    }
    pending.put(uid, new Pending(pod, status));
    queue.add(uid);
  }

  public void forget(String uid) {
    pending.remove(uid);
    written.remove(uid);
  }

  private void write(String uid) {
    Pending next = pending.get(uid);
    if (next == null) {
      return;
    }
    ObjectMeta meta = next.pod().getMetadata();
    try {
      api.pods().updateStatus(Pod.newBuilder().setMetadata(ObjectMeta.newBuilder().setNamespace(meta.getNamespace())
          .setName(meta.getName()).setUid(uid)).setStatus(next.status()).build());
      written.put(uid, next.status());
      log.debug("status of pod {}/{}: {} ", meta.getNamespace(), meta.getName(), next.status().getPhase());
    } catch (StatusRuntimeException e) {
      Status.Code code = e.getStatus().getCode();
      if (code != Status.Code.NOT_FOUND && code != Status.Code.INVALID_ARGUMENT) {
        throw e;
      }
      // the pod is gone, or a namesake with another uid replaced it: nothing to write to
      log.debug("pod {}/{} is gone; its status is dropped", meta.getNamespace(), meta.getName());
    }
    pending.remove(uid, next);
  }

  @Override
  public void close() {
    queue.close();
    executor.shutdownNow();
  }
}
