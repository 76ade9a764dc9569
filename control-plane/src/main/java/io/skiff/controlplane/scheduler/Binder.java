package io.skiff.controlplane.scheduler;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.skiff.api.v1.Pod;
import io.skiff.client.ResourceClient;
import io.skiff.client.cache.Informer;
import io.skiff.client.events.EventRecorder;
import java.time.Duration;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commits decisions to bind, in the background and several at once: each bind is a compare-and-swap
 * of the pod as decided with spec.nodeName set, so a pod changed since it was read is never bound on
 * stale facts. Its outcome settles the pod's assumed place in the cache: kept on success (the pod
 * seen bound takes it over), forgotten on failure, and the pod tried again when trying can help.
 */
final class Binder {
  private static final Logger log = LoggerFactory.getLogger(Binder.class);
  /** How soon a pod refused as stale is tried again: time for the informer to bring the newer pod. */
  static final Duration CONFLICT_RETRY = Duration.ofMillis(100);
  /** How soon a pod whose bind failed for another reason (masters unreachable, say) is tried again. */
  static final Duration ERROR_RETRY = Duration.ofSeconds(1);

  private final ResourceClient<Pod> pods;
  private final EventRecorder events;
  private final SchedulerCache cache;
  private final SchedulingQueue queue;
  private final Executor writers;

  Binder(ResourceClient<Pod> pods, EventRecorder events, SchedulerCache cache, SchedulingQueue queue,
      Executor writers) {
    this.pods = pods;
    this.events = events;
    this.cache = cache;
    this.queue = queue;
    this.writers = writers;
  }

  /** Binds {@code pod}, as read when it was decided (its resource_version is the one compared), to {@code node}. */
  void bind(Pod pod, String node) {
    writers.execute(() -> write(pod, node));
  }

  private void write(Pod pod, String node) {
    String key = Informer.key(pod.getMetadata());
    try {
      Pod current = pod;
      Pod cleared = PodScheduledCondition.cleared(pod);
      if (cleared != null) {
        current = pods.updateStatus(cleared);
      }
      current = current.toBuilder().setSpec(current.getSpec().toBuilder().setNodeName(node)).build();
      pods.update(current);
      events.normal(EventRecorder.reference("v1", "Pod", pod.getMetadata()), "Scheduled",
          "Successfully assigned " + key + " to " + node);
    } catch (StatusRuntimeException e) {
      cache.forget(pod.getMetadata().getUid());
      Status.Code code = e.getStatus().getCode();
      if (code == Status.Code.NOT_FOUND) {
        log.debug("pod {} is gone; not bound to {}", key, node);
      } else if (code == Status.Code.ABORTED) {
        log.debug("pod {} changed since it was decided; trying it again", key);
        queue.addAfter(key, CONFLICT_RETRY);
      } else {
        log.info("cannot bind pod {} to {} ({}); trying it again", key, node, e.getStatus());
        queue.addAfter(key, ERROR_RETRY);
      }
    } catch (RuntimeException e) {
      cache.forget(pod.getMetadata().getUid());
      log.error("binding pod {} to {} failed", key, node, e);
      queue.addAfter(key, ERROR_RETRY);
    }
  }
}
