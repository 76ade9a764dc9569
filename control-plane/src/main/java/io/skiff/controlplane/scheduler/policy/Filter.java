package io.skiff.controlplane.scheduler.policy;

/** One condition a node must meet to take a pod. Implementations are stateless and thread-safe. */
@FunctionalInterface
public interface Filter {
  /**
   * Why {@code node} cannot take {@code pod}, as Kubernetes words it ("Insufficient cpu"), or null
   * if it can. The reason is counted across nodes in the pod's FailedScheduling message, so it must
   * not name the node.
   */
  String check(PodInfo pod, NodeInfo node);
}
