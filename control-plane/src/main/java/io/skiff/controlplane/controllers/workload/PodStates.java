package io.skiff.controlplane.controllers.workload;

import com.google.protobuf.util.Timestamps;
import io.skiff.api.v1.Condition;
import io.skiff.api.v1.Pod;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/** What the workload controllers read from a pod's status (Kubernetes' podutil). */
final class PodStates {
  private PodStates() {
  }

  /** Neither finished nor going away: a pod that counts toward replicas. */
  static boolean isActive(Pod pod) {
    String phase = pod.getStatus().getPhase();
    return !phase.equals("Succeeded") && !phase.equals("Failed") && !pod.getMetadata().hasDeletionTimestamp();
  }

  static boolean isReady(Pod pod) {
    return readyCondition(pod).map(c -> c.getStatus().equals("True")).orElse(false);
  }

  /** Ready for at least {@code minReadySeconds}. */
  static boolean isAvailable(Pod pod, int minReadySeconds, Instant now) {
    return untilAvailable(pod, minReadySeconds, now).map(Duration::isZero).orElse(false);
  }

  /**
   * How long until a ready pod has been ready for {@code minReadySeconds} (zero
   * when it has); empty when it is not ready, or is but does not say since when
   * (then, as in Kubernetes, it is never available).
   */
  static Optional<Duration> untilAvailable(Pod pod, int minReadySeconds, Instant now) {
    Optional<Condition> ready = readyCondition(pod).filter(c -> c.getStatus().equals("True"));
    if (ready.isEmpty()) {
      return Optional.empty();
    }
    if (minReadySeconds == 0) {
      return Optional.of(Duration.ZERO);
    }
    if (!ready.get().hasLastTransitionTime()) {
      return Optional.empty();
    }
    Instant since = Instant.ofEpochMilli(Timestamps.toMillis(ready.get().getLastTransitionTime()));
    Duration left = Duration.between(now, since.plusSeconds(minReadySeconds));
    return Optional.of(left.isNegative() ? Duration.ZERO : left);
  }

  /** When the pod last became ready, or empty while it is not. */
  static Optional<Instant> readySince(Pod pod) {
    return readyCondition(pod).filter(c -> c.getStatus().equals("True") && c.hasLastTransitionTime())
        .map(c -> Instant.ofEpochMilli(Timestamps.toMillis(c.getLastTransitionTime())));
  }

  private static Optional<Condition> readyCondition(Pod pod) {
    return pod.getStatus().getConditionsList().stream().filter(c -> c.getType().equals("Ready")).findFirst();
  }
}
