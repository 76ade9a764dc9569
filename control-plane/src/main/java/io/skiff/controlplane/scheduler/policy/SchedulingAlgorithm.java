package io.skiff.controlplane.scheduler.policy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Decides where a pod goes, from a cluster view alone: the nodes that pass every filter are scored
 * by the weighted scorers and the best one wins.
 *
 * <p>As Kubernetes does, in a large cluster the search stops once it has found a good sample of
 * feasible nodes ({@link #feasibleToFind}: 42% of 1,000 nodes), and the next search starts where
 * this one stopped, so every node gets its turn. When every node was tried the start moves one node
 * on instead. Among equally good nodes the first from the start wins: ties are broken the same way
 * for the same inputs, yet spread over the nodes.
 *
 * <p>Not thread-safe (the start point): one scheduling thread uses it.
 */
public final class SchedulingAlgorithm {
  private static final int MIN_FEASIBLE = 100;

  private final List<Filter> filters;
  private final List<Scorer.Weighted> scorers;
  private int nextStart;

  public SchedulingAlgorithm(List<Filter> filters, List<Scorer.Weighted> scorers) {
    this.filters = List.copyOf(filters);
    this.scorers = List.copyOf(scorers);
  }

  /** Kubernetes' filters and scorers (see {@link Filters}, {@link Scorers}). */
  public static SchedulingAlgorithm defaults() {
    return new SchedulingAlgorithm(Filters.defaults(), Scorers.defaults());
  }

  public Decision decide(PodInfo pod, ClusterView view) {
    int size = view.size();
    int start = size == 0 ? 0 : Math.floorMod(nextStart, size);
    int wanted = feasibleToFind(size);
    List<NodeInfo> feasible = new ArrayList<>(wanted);
    Map<String, Integer> nodesByReason = new HashMap<>();
    int tried = 0;
    while (tried < size && feasible.size() < wanted) {
      NodeInfo node = view.get((start + tried++) % size);
      String reason = firstFailure(pod, node);
      if (reason == null) {
        feasible.add(node);
      } else {
        nodesByReason.merge(reason, 1, Integer::sum);
      }
    }
    nextStart = start + (tried < size ? tried : 1);
    if (feasible.isEmpty()) {
      return Decision.unschedulable(size, nodesByReason);
    }
    return new Decision.Bind(best(pod, feasible).name());
  }

  /**
   * How many feasible nodes are enough to choose from, as Kubernetes reckons it by default: all of
   * them below 100 nodes, else a share that shrinks as the cluster grows (50% less 1% per 125
   * nodes, at least 5%), but never fewer than 100.
   */
  static int feasibleToFind(int nodes) {
    if (nodes < MIN_FEASIBLE) {
      return nodes;
    }
    int percent = Math.max(5, 50 - nodes / 125);
    return Math.max(MIN_FEASIBLE, (int) ((long) nodes * percent / 100));
  }

  private String firstFailure(PodInfo pod, NodeInfo node) {
    for (Filter filter : filters) {
      String reason = filter.check(pod, node);
      if (reason != null) {
        return reason;
      }
    }
    return null;
  }

  /** The node with the highest weighted score; the first of equals. */
  private NodeInfo best(PodInfo pod, List<NodeInfo> feasible) {
    if (feasible.size() == 1) {
      return feasible.get(0);
    }
    double[] total = new double[feasible.size()];
    for (Scorer.Weighted weighted : scorers) {
      double[] scores = weighted.scorer().score(pod, feasible);
      for (int i = 0; i < total.length; i++) {
        total[i] += weighted.weight() * scores[i];
      }
    }
    int best = 0;
    for (int i = 1; i < total.length; i++) {
      if (total[i] > total[best]) {
        best = i;
      }
    }
    return feasible.get(best);
  }
}
