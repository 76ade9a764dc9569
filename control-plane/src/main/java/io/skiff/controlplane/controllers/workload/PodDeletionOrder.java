package io.skiff.controlplane.controllers.workload;

import com.google.protobuf.util.Timestamps;
import io.skiff.api.v1.ContainerStatus;
import io.skiff.api.v1.Pod;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;

/**
 * Which of a ReplicaSet's surplus pods go first (Kubernetes' ActivePods
 * ordering): the ones whose loss costs least. Each step only breaks the ties
 * of the one before.
 */
final class PodDeletionOrder implements Comparator<Pod> {
  static final PodDeletionOrder INSTANCE = new PodDeletionOrder();

  private static final List<String> PHASES = List.of("Pending", "Unknown", "Running");

  private static final Comparator<Pod> ORDER = Comparator
      // not yet on a node: nothing runs there yet
      .comparing((Pod p) -> !p.getSpec().getNodeName().isEmpty())
      // Pending before Unknown before Running: the further along, the more it is worth
      .thenComparing(p -> phaseRank(p.getStatus().getPhase()))
      // not ready before ready: it serves nothing
      .thenComparing(PodStates::isReady)
      // ready for less time first: the longer a pod has been ready, the more it has proven
      .thenComparing(p -> PodStates.readySince(p).orElse(Instant.MIN), Comparator.reverseOrder())
      // restarting more first: it is less healthy
      .thenComparing(PodDeletionOrder::restarts, Comparator.reverseOrder())
      // newer first: it has had less time to warm up
      .thenComparing(p -> Timestamps.toMillis(p.getMetadata().getCreationTimestamp()), Comparator.reverseOrder())
      .thenComparing(p -> p.getMetadata().getName());

  private PodDeletionOrder() {
  }

  @Override
  public int compare(Pod a, Pod b) {
    return ORDER.compare(a, b);
  }

  private static int phaseRank(String phase) {
    int rank = PHASES.indexOf(phase);
    return rank < 0 ? 0 : rank;  // an unset phase is as good as Pending
  }

  private static int restarts(Pod pod) {
    return pod.getStatus().getContainerStatusesList().stream().mapToInt(ContainerStatus::getRestartCount).sum();
  }
}
