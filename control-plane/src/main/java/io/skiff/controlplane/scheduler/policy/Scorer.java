package io.skiff.controlplane.scheduler.policy;

import java.util.List;

/** One preference among the nodes that can take a pod. Implementations are stateless and thread-safe. */
@FunctionalInterface
public interface Scorer {
  /** The best score; the worst is 0. */
  double MAX = 100;

  /**
   * Scores each of {@code nodes} (all able to take the pod) from 0 to {@link #MAX}, higher
   * better; element i is the score of node i. Scores may depend on the other nodes (a scorer can
   * rank nodes against the best of them).
   */
  double[] score(PodInfo pod, List<NodeInfo> nodes);

  /** A scorer and how much its score counts in the sum. */
  record Weighted(Scorer scorer, int weight) {
  }
}
