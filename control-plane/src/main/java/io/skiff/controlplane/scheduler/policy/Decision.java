package io.skiff.controlplane.scheduler.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** What the algorithm decided for a pod: a node to bind it to, or why no node can take it. */
public sealed interface Decision {
  /** The pod goes to {@code node}. */
  record Bind(String node) implements Decision {
  }

  /** No node can take the pod; {@code message} says why, as Kubernetes says it. */
  record Unschedulable(String message) implements Decision {
  }

  /** Kubernetes' message when there are no nodes at all. */
  String NO_NODES = "no nodes available to schedule pods";

  /**
   * Kubernetes' FitError message: "0/3 nodes are available: 1 node(s) had untolerated taint
   * {dedicated: gpu}, 2 Insufficient memory." Each entry is "count reason", and the entries are
   * sorted as strings, as Kubernetes sorts them (so by count's first digit, then by reason).
   */
  static Unschedulable unschedulable(int nodes, Map<String, Integer> nodesByReason) {
    if (nodes == 0) {
      return new Unschedulable(NO_NODES);
    }
    List<String> entries = new ArrayList<>();
    nodesByReason.forEach((reason, count) -> entries.add(count + " " + reason));
    entries.sort(null);
    return new Unschedulable("0/" + nodes + " nodes are available: " + String.join(", ", entries) + ".");
  }
}
