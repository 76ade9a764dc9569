package io.skiff.controlplane.controllers.workload;

import io.skiff.api.v1.Pod;
import io.skiff.api.v1.ReplicaSet;
import io.skiff.api.v1.ReplicaSetStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A ReplicaSet's status from the pods it controls (Kubernetes' calculateStatus of the ReplicaSet controller). */
final class ReplicaSetStatuses {
  private ReplicaSetStatuses() {
  }

  /** The status {@code rs} should have given its active pods; conditions are kept as they are. */
  static ReplicaSetStatus of(ReplicaSet rs, List<Pod> pods, Instant now) {
    Map<String, String> templateLabels = rs.getSpec().getTemplate().getMetadata().getLabelsMap();
    int minReady = rs.getSpec().getMinReadySeconds();
    int fullyLabeled = 0;
    int ready = 0;
    int available = 0;
    for (Pod pod : pods) {
      if (pod.getMetadata().getLabelsMap().entrySet().containsAll(templateLabels.entrySet())) {
        fullyLabeled++;
      }
      if (PodStates.isReady(pod)) {
        ready++;
        if (PodStates.isAvailable(pod, minReady, now)) {
          available++;
        }
      }
    }
    return rs.getStatus().toBuilder()
        .setReplicas(pods.size())
        .setFullyLabeledReplicas(fullyLabeled)
        .setReadyReplicas(ready)
        .setAvailableReplicas(available)
        .setObservedGeneration(rs.getMetadata().getGeneration())
        .build();
  }

  /** When the next of these ready pods becomes available (has been ready for minReadySeconds), if one will. */
  static Optional<Duration> nextAvailable(ReplicaSet rs, List<Pod> pods, Instant now) {
    int minReady = rs.getSpec().getMinReadySeconds();
    return pods.stream()
        .flatMap(p -> PodStates.untilAvailable(p, minReady, now).stream())
        .filter(d -> !d.isZero())
        .min(Duration::compareTo);
  }
}
