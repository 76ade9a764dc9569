package io.skiff.controlplane.scheduler.policy;

import java.util.List;

/** The scorers and their weights. */
public final class Scorers {
  private Scorers() {
  }

  public static List<Scorer.Weighted> defaults() {
    return List.of(
        new Scorer.Weighted(Scorers::leastAllocated, 1),
        // twice the weight, as Kubernetes weighs its topology spread: losing one node should cost an
        // owner as few of its pods as can be, even if that packs a node a little more
        new Scorer.Weighted(Scorers::ownerSpread, 2));
  }

  /**
   * Prefers the node with the most room left once the pod is on it: the mean of its free cpu and
   * free memory fractions. Pods that request nothing count as small ones here (see
   * {@link PodInfo#DEFAULT_CPU_MILLIS}), or they would all go to one node.
   */
  static double[] leastAllocated(PodInfo pod, List<NodeInfo> nodes) {
    double[] scores = new double[nodes.size()];
    for (int i = 0; i < scores.length; i++) {
      NodeInfo node = nodes.get(i);
      double cpu = freeFraction(node.allocatableCpuMillis(), node.scoredCpuMillis() + pod.scoredCpuMillis());
      double memory = freeFraction(node.allocatableMemoryBytes(), node.scoredMemoryBytes() + pod.scoredMemoryBytes());
      scores[i] = Scorer.MAX * (cpu + memory) / 2;
    }
    return scores;
  }

  private static double freeFraction(long allocatable, long requested) {
    if (allocatable <= 0 || requested >= allocatable) {
      return 0;
    }
    return (double) (allocatable - requested) / allocatable;
  }

  /**
   * Prefers the nodes with the fewest pods of the pod's controlling owner (its ReplicaSet), scaled
   * against the node with the most, so that losing a node loses few of an owner's pods. Indifferent
   * for a pod with no owner.
   */
  static double[] ownerSpread(PodInfo pod, List<NodeInfo> nodes) {
    double[] scores = new double[nodes.size()];
    if (pod.ownerUid().isEmpty()) {
      return scores;
    }
    int[] counts = new int[scores.length];
    int most = 0;
    for (int i = 0; i < counts.length; i++) {
      counts[i] = nodes.get(i).podsOf(pod.ownerUid());
      most = Math.max(most, counts[i]);
    }
    for (int i = 0; i < scores.length; i++) {
      scores[i] = most == 0 ? Scorer.MAX : Scorer.MAX * (most - counts[i]) / most;
    }
    return scores;
  }
}
