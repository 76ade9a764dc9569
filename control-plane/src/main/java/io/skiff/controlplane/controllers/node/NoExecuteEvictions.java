package io.skiff.controlplane.controllers.node;

import io.skiff.api.v1.Pod;
import io.skiff.api.v1.Taint;
import io.skiff.api.v1.Toleration;
import io.skiff.controlplane.scheduler.policy.Tolerations;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * When a pod must leave a node with NoExecute taints, after Kubernetes' taint
 * manager: a taint the pod does not tolerate evicts it after the default
 * eviction timeout (what Kubernetes' DefaultTolerationSeconds admission gives
 * every pod for not-ready and unreachable nodes: 300 s); one it tolerates for
 * tolerationSeconds evicts it that long after the taint was added; one it
 * tolerates without a limit never does. The earliest deadline wins.
 */
public final class NoExecuteEvictions {
  private NoExecuteEvictions() {
  }

  /** When {@code pod} is to be evicted from a node with {@code taints}; empty if never. */
  public static Optional<Instant> deadline(Pod pod, List<Taint> taints, Duration defaultTimeout) {
    Instant earliest = null;
    for (Taint taint : taints) {
      if (!taint.getEffect().equals("NoExecute")) {
        continue;
      }
      Instant added = Instant.ofEpochSecond(taint.getTimeAdded().getSeconds(), taint.getTimeAdded().getNanos());
      Optional<Duration> tolerated = toleratedFor(pod.getSpec().getTolerationsList(), taint, defaultTimeout);
      if (tolerated.isEmpty()) {
        continue;
      }
      Instant deadline = added.plus(tolerated.get());
      if (earliest == null || deadline.isBefore(earliest)) {
        earliest = deadline;
      }
    }
    return Optional.ofNullable(earliest);
  }

  /** How long the tolerations let a pod stay with this taint; empty for ever. */
  private static Optional<Duration> toleratedFor(List<Toleration> tolerations, Taint taint, Duration defaultTimeout) {
    Duration longest = null;
    for (Toleration toleration : tolerations) {
      if (!Tolerations.tolerates(toleration, taint)) {
        continue;
      }
      if (!toleration.hasTolerationSeconds()) {
        return Optional.empty();
      }
      Duration seconds = Duration.ofSeconds(Math.max(0, toleration.getTolerationSeconds()));
      if (longest == null || seconds.compareTo(longest) > 0) {
        longest = seconds;
      }
    }
    return Optional.of(longest == null ? defaultTimeout : longest);
  }
}
