package io.skiff.controlplane.controllers.workload;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The counting of a Deployment's rollout, apart from any I/O (Kubernetes'
 * deployment util, rolling.go and sync.go's proportional scaling): given the
 * counts of the ReplicaSets, how far each may be scaled.
 *
 * <p>One refinement over Kubernetes, which counts ReplicaSets by spec alone: a
 * ReplicaSet just scaled down still has its surplus pods until its controller
 * has removed them, and reports their removal in its status. So the surge
 * counts each ReplicaSet at the larger of its spec and its status, and
 * availability at the smaller: the bounds then hold for the pods that really
 * exist, not only for the specs.
 */
final class RolloutArithmetic {
  /**
   * One ReplicaSet: its spec.replicas, status.replicas (pods it has) and
   * status.availableReplicas.
   */
  record Counts(int replicas, int pods, int available) {
    /** The pods it may have: its own report can lag behind a scale-down. */
    int podsAtMost() {
      return Math.max(replicas, pods);
    }

    /** The available pods it will keep: a scale-down removes unavailable pods first, then available ones. */
    int availableAtLeast() {
      return Math.min(replicas, available);
    }

    Counts scaledTo(int n) {
      return new Counts(n, pods, available);
    }
  }

  /** maxSurge and maxUnavailable resolved against the desired replicas. */
  record Fenceposts(int maxSurge, int maxUnavailable) {
  }

  private RolloutArithmetic() {
  }

  /** A count ("3") as is, or a percentage ("25%") of {@code total}, rounded up or down. */
  static int intOrPercent(String value, int total, boolean roundUp) {
    if (!value.endsWith("%")) {
      return Integer.parseInt(value);
    }
    long percent = Long.parseLong(value.substring(0, value.length() - 1));
    long scaled = percent * total;
    return (int) (roundUp ? (scaled + 99) / 100 : scaled / 100);
  }

  /**
   * Kubernetes' ResolveFenceposts: surge rounds up and unavailability down, so
   * a rollout never stalls on rounding; if both come to 0 (say 10% of 3),
   * one pod may be unavailable, as a rollout with neither could not move.
   */
  static Fenceposts fenceposts(String maxSurge, String maxUnavailable, int desired) {
    int surge = intOrPercent(maxSurge, desired, true);
    int unavailable = intOrPercent(maxUnavailable, desired, false);
    if (surge == 0 && unavailable == 0) {
      unavailable = 1;
    }
    return new Fenceposts(surge, unavailable);
  }

  /** Kubernetes' MaxUnavailable: never more than the desired replicas; 0 when none are desired. */
  static int maxUnavailable(Fenceposts fenceposts, int desired) {
    return Math.min(fenceposts.maxUnavailable(), desired);
  }

  /**
   * The new ReplicaSet's replicas in a rolling update (NewRSNewReplicas): up
   * toward {@code desired}, as far as the pods of all ReplicaSets stay within
   * desired + maxSurge.
   */
  static int newReplicaSetReplicas(int desired, int maxSurge, Counts newRs, List<Counts> all) {
    int pods = all.stream().mapToInt(Counts::podsAtMost).sum();
    int maxTotal = desired + maxSurge;
    if (pods >= maxTotal) {
      return newRs.replicas();
    }
    return newRs.replicas() + Math.max(0, Math.min(maxTotal - pods, desired - newRs.replicas()));
  }

  /**
   * The old ReplicaSets' replicas after a rolling update's scale-down
   * (reconcileOldReplicaSets): first their unavailable pods go, as far as that
   * keeps desired - maxUnavailable available counting the new ReplicaSet's
   * missing ones (cleanupUnhealthyReplicas); then available ones, as far as
   * desired - maxUnavailable stay available (scaleDownOldReplicaSetsForRollingUpdate).
   *
   * @param old the old ReplicaSets, oldest first; the answer is in the same order
   */
  static List<Integer> oldReplicaSetReplicas(int desired, int maxUnavailable, Counts newRs, List<Counts> old) {
    List<Counts> scaled = new ArrayList<>(old);
    int oldReplicas = old.stream().mapToInt(Counts::replicas).sum();
    if (oldReplicas == 0) {
      return replicas(scaled);
    }
    int minAvailable = desired - maxUnavailable;
    int allReplicas = oldReplicas + newRs.replicas();
    int newUnavailable = newRs.replicas() - newRs.available();
    int maxScaledDown = allReplicas - minAvailable - newUnavailable;
    if (maxScaledDown <= 0) {
      return replicas(scaled);
    }
    int cleaned = 0;
    for (int i = 0; i < scaled.size() && cleaned < maxScaledDown; i++) {
      Counts rs = scaled.get(i);
      int unhealthy = rs.replicas() - rs.availableAtLeast();
      int down = Math.min(maxScaledDown - cleaned, unhealthy);
      if (down > 0) {
        scaled.set(i, rs.scaledTo(rs.replicas() - down));
        cleaned += down;
      }
    }
    int available = newRs.availableAtLeast() + scaled.stream().mapToInt(Counts::availableAtLeast).sum();
    int toScaleDown = available - minAvailable;
    for (int i = 0; i < scaled.size() && toScaleDown > 0; i++) {
      Counts rs = scaled.get(i);
      int down = Math.min(rs.replicas(), toScaleDown);
      scaled.set(i, rs.scaledTo(rs.replicas() - down));
      toScaleDown -= down;
    }
    return replicas(scaled);
  }

  /** One active ReplicaSet in a proportional scaling: replicas, its max-replicas annotation (0: none), its age rank. */
  record Sized(int replicas, int annotatedMaxReplicas, int age) {
  }

  /**
   * Kubernetes' proportional scaling (sync.go scale): when a Deployment is
   * resized in the middle of a rollout, the replicas added or removed are
   * shared among its active ReplicaSets in proportion to their sizes, the
   * leftover of the rounding going to the largest. Scaling up favours newer
   * ReplicaSets among equals, scaling down older ones.
   *
   * @param active the active ReplicaSets; {@code age} 0 is the oldest
   * @param replicasBefore what to assume the Deployment's size was when a ReplicaSet has no annotation
   * @return the new replicas, in the order of {@code active}
   */
  static List<Integer> proportionalReplicas(int desired, int maxSurge, int replicasBefore, List<Sized> active) {
    int allowed = desired > 0 ? desired + maxSurge : 0;
    int toAdd = allowed - active.stream().mapToInt(Sized::replicas).sum();
    List<Integer> sizes = new ArrayList<>(active.stream().map(Sized::replicas).toList());
    if (toAdd == 0 || active.isEmpty()) {
      return sizes;
    }
    Comparator<Integer> bySize = Comparator.comparing((Integer i) -> active.get(i).replicas()).reversed();
    Comparator<Integer> byAge = Comparator.comparing(i -> active.get(i).age());
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < active.size(); i++) {
      order.add(i);
    }
    order.sort(bySize.thenComparing(toAdd > 0 ? byAge.reversed() : byAge));
    int added = 0;
    for (int i : order) {
      Sized rs = active.get(i);
      if (rs.replicas() == 0 || added == toAdd) {
        continue;
      }
      int before = Math.max(1, rs.annotatedMaxReplicas() > 0 ? rs.annotatedMaxReplicas() : replicasBefore);
      int fraction = desired == 0 ? -rs.replicas()
          : (int) Math.round((double) rs.replicas() * (desired + maxSurge) / before) - rs.replicas();
      int proportion = toAdd > 0 ? Math.min(fraction, toAdd - added) : Math.max(fraction, toAdd - added);
      sizes.set(i, rs.replicas() + proportion);
      added += proportion;
    }
    int largest = order.get(0);
    sizes.set(largest, Math.max(0, sizes.get(largest) + toAdd - added));
    return sizes;
  }

  private static List<Integer> replicas(List<Counts> counts) {
    return counts.stream().map(Counts::replicas).toList();
  }
}
