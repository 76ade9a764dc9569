package io.skiff.controlplane.scheduler.policy;

import io.skiff.api.v1.Taint;
import io.skiff.api.v1.Toleration;
import java.util.List;
import java.util.Map;

/**
 * The filters, in the order they run. A node is counted under the reason of the first filter it
 * fails, so the order follows Kubernetes' (unschedulable, taints, affinity, ports, resources) for
 * the messages to read alike; within that, cheap checks come first.
 */
public final class Filters {
  /** The taint that stands for a cordoned node: a pod that tolerates it may go there anyway. */
  static final Taint UNSCHEDULABLE_TAINT =
      Taint.newBuilder().setKey("node.kubernetes.io/unschedulable").setEffect("NoSchedule").build();

  private Filters() {
  }

  public static List<Filter> defaults() {
    return List.of(
        // first: a node that is not ready runs nothing, whatever else is true of it
        Filters::nodeReady,
        // cordoning is an operator's explicit "no", cheaper to check than anything below
        Filters::nodeSchedulable,
        // taints before the selector, as Kubernetes orders them
        Filters::taintsTolerated,
        Filters::nodeSelectorMatches,
        // ports before resources: a port clash cannot be cured by freeing resources
        Filters::hostPortsFree,
        // last: the only filter whose answer changes with every pod placed
        Filters::resourcesFit);
  }

  static String nodeReady(PodInfo pod, NodeInfo node) {
    return node.ready() ? null : "node(s) were not ready";
  }

  static String nodeSchedulable(PodInfo pod, NodeInfo node) {
    if (!node.unschedulable() || Tolerations.tolerated(pod.tolerations(), UNSCHEDULABLE_TAINT)) {
      return null;
    }
    return "node(s) were unschedulable";
  }

  static String taintsTolerated(PodInfo pod, NodeInfo node) {
    for (Taint taint : node.schedulingTaints()) {
      if (!Tolerations.tolerated(pod.tolerations(), taint)) {
        return "node(s) had untolerated taint {" + taint.getKey() + ": " + taint.getValue() + "}";
      }
    }
    return null;
  }

  static String nodeSelectorMatches(PodInfo pod, NodeInfo node) {
    if (pod.nodeSelector().isEmpty()) {
      return null;
    }
    Map<String, String> labels = node.labels();
    for (Map.Entry<String, String> wanted : pod.nodeSelector().entrySet()) {
      if (!wanted.getValue().equals(labels.get(wanted.getKey()))) {
        return "node(s) didn't match Pod's node affinity/selector";
      }
    }
    return null;
  }

  static String hostPortsFree(PodInfo pod, NodeInfo node) {
    for (HostPort port : pod.hostPorts()) {
      if (node.portInUse(port)) {
        return "node(s) didn't have free ports for the requested pod ports";
      }
    }
    return null;
  }

  /**
   * Pods first, then cpu, then memory; only the first shortage is told (Kubernetes tells each).
   * A resource the pod does not request never fails, even on an overcommitted node.
   */
  static String resourcesFit(PodInfo pod, NodeInfo node) {
    if (node.allocatablePods() != NodeInfo.UNLIMITED && node.podCount() + 1 > node.allocatablePods()) {
      return "Too many pods";
    }
    if (pod.cpuMillis() > 0 && pod.cpuMillis() > node.allocatableCpuMillis() - node.requestedCpuMillis()) {
      return "Insufficient cpu";
    }
    if (pod.memoryBytes() > 0
        && pod.memoryBytes() > node.allocatableMemoryBytes() - node.requestedMemoryBytes()) {
      return "Insufficient memory";
    }
    return null;
  }
}
