package io.skiff.controlplane.scheduler;

import com.google.protobuf.Timestamp;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.skiff.api.v1.Pod;
import io.skiff.client.ResourceClient;
import io.skiff.client.cache.Informer;
import io.skiff.client.events.EventRecorder;
import java.time.Clock;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells why a pod fits nowhere, in the background: a FailedScheduling Warning Event each time (the
 * recorder counts repeats), and the pod's PodScheduled=False condition when its message changes.
 * The condition is written with a compare-and-swap; a pod changed meanwhile is tried again, which
 * writes the condition on the newer pod if it still fits nowhere.
 */
final class FailureReporter {
  private static final Logger log = LoggerFactory.getLogger(FailureReporter.class);

  private final ResourceClient<Pod> pods;
  private final EventRecorder events;
  private final SchedulingQueue queue;
  private final Clock clock;
  private final Executor writers;

  FailureReporter(ResourceClient<Pod> pods, EventRecorder events, SchedulingQueue queue, Clock clock,
      Executor writers) {
    this.pods = pods;
    this.events = events;
    this.queue = queue;
    this.clock = clock;
    this.writers = writers;
  }

  void report(Pod pod, String message) {
    events.warning(EventRecorder.reference("v1", "Pod", pod.getMetadata()), "FailedScheduling", message);
    Pod updated = PodScheduledCondition.unschedulable(pod, message,
        Timestamp.newBuilder().setSeconds(clock.instant().getEpochSecond()).build());
    if (updated != null) {
      writers.execute(() -> write(updated));
    }
  }

  private void write(Pod pod) {
    String key = Informer.key(pod.getMetadata());
    try {
      pods.updateStatus(pod);
    } catch (StatusRuntimeException e) {
      Status.Code code = e.getStatus().getCode();
      if (code == Status.Code.ABORTED) {
        queue.addAfter(key, Binder.CONFLICT_RETRY);
      } else if (code != Status.Code.NOT_FOUND) {
        log.info("cannot write why pod {} is unschedulable ({})", key, e.getStatus());
      }
    }
  }
}
