package io.skiff.controlplane.scheduler.policy;

import io.skiff.api.v1.Condition;
import io.skiff.api.v1.Node;
import io.skiff.api.v1.Taint;
import io.skiff.client.Quantity;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A node and the sum of the pods placed on it, as the filters and scorers read them: allocatable
 * and requested amounts as plain numbers, host ports in use, and how many pods of each owner it
 * runs. Immutable: adding or removing a pod gives a new NodeInfo that shares the node's part, so a
 * cluster view can hold NodeInfos without copying them.
 *
 * <p>Its Node may be null: pods can be seen bound to a node before the node itself is seen; such a
 * NodeInfo only carries their sums until the Node comes, and no view offers it.
 */
public final class NodeInfo {
  /** What a NodeInfo reads from its Node, shared by every NodeInfo of the same Node. */
  private record NodeSide(Node node, boolean ready, boolean unschedulable, long cpuMillis, long memoryBytes,
      long pods, List<Taint> schedulingTaints) {
    static final NodeSide NONE = new NodeSide(null, false, false, 0, 0, 0, List.of());

    static NodeSide of(Node node) {
      Map<String, String> allocatable = node.getStatus().getAllocatableMap();
      boolean ready = false;
      for (Condition condition : node.getStatus().getConditionsList()) {
        if (condition.getType().equals("Ready")) {
          ready = condition.getStatus().equals("True");
        }
      }
      List<Taint> taints = node.getSpec().getTaintsList().stream()
          .filter(t -> t.getEffect().equals("NoSchedule") || t.getEffect().equals("NoExecute")).toList();
      return new NodeSide(node, ready, node.getSpec().getUnschedulable(), milli(allocatable.get("cpu")),
          units(allocatable.get("memory")),
          allocatable.containsKey("pods") ? units(allocatable.get("pods")) : UNLIMITED, taints);
    }
  }

  /** {@link #allocatablePods()} of a node whose allocatable does not count pods. */
  public static final long UNLIMITED = -1;

  private final String name;
  private final NodeSide node;
  private final long requestedCpuMillis;
  private final long requestedMemoryBytes;
  private final long scoredCpuMillis;
  private final long scoredMemoryBytes;
  private final int podCount;
  /** Pods per host port: more than one only when pods were bound around the scheduler. */
  private final Map<HostPort, Integer> usedPorts;
  /** Pods per controlling owner's uid; owners with none are absent. */
  private final Map<String, Integer> podsByOwner;

  private NodeInfo(String name, NodeSide node, long requestedCpuMillis, long requestedMemoryBytes,
      long scoredCpuMillis, long scoredMemoryBytes, int podCount, Map<HostPort, Integer> usedPorts,
      Map<String, Integer> podsByOwner) {
    this.name = name;
    this.node = node;
    this.requestedCpuMillis = requestedCpuMillis;
    this.requestedMemoryBytes = requestedMemoryBytes;
    this.scoredCpuMillis = scoredCpuMillis;
    this.scoredMemoryBytes = scoredMemoryBytes;
    this.podCount = podCount;
    this.usedPorts = usedPorts;
    this.podsByOwner = podsByOwner;
  }

  /** A node with no pods yet. */
  public static NodeInfo of(Node node) {
    return empty(node.getMetadata().getName()).withNode(node);
  }

  /** No Node and no pods: where the pods of a node not yet seen are summed. */
  public static NodeInfo empty(String name) {
    return new NodeInfo(name, NodeSide.NONE, 0, 0, 0, 0, 0, Map.of(), Map.of());
  }

  /** The same pods on a new version of the node (or none: the Node was deleted but pods remain). */
  public NodeInfo withNode(Node newNode) {
    NodeSide side = newNode == null ? NodeSide.NONE : NodeSide.of(newNode);
    return new NodeInfo(name, side, requestedCpuMillis, requestedMemoryBytes, scoredCpuMillis, scoredMemoryBytes,
        podCount, usedPorts, podsByOwner);
  }

  public NodeInfo withPod(PodInfo pod) {
    return plus(pod, 1);
  }

  /** Takes away a pod that {@link #withPod} added. */
  public NodeInfo withoutPod(PodInfo pod) {
    return plus(pod, -1);
  }

  private NodeInfo plus(PodInfo pod, int sign) {
    Map<HostPort, Integer> ports = usedPorts;
    if (!pod.hostPorts().isEmpty()) {
      ports = new HashMap<>(usedPorts);
      for (HostPort port : pod.hostPorts()) {
        count(ports, port, sign);
      }
    }
    Map<String, Integer> owners = podsByOwner;
    if (!pod.ownerUid().isEmpty()) {
      owners = new HashMap<>(podsByOwner);
      count(owners, pod.ownerUid(), sign);
    }
    return new NodeInfo(name, node, requestedCpuMillis + sign * pod.cpuMillis(),
        requestedMemoryBytes + sign * pod.memoryBytes(), scoredCpuMillis + sign * pod.scoredCpuMillis(),
        scoredMemoryBytes + sign * pod.scoredMemoryBytes(), podCount + sign, ports, owners);
  }

  private static <K> void count(Map<K, Integer> counts, K key, int delta) {
    int now = counts.getOrDefault(key, 0) + delta;
    if (now <= 0) {
      counts.remove(key);
    } else {
      counts.put(key, now);
    }
  }

  public String name() {
    return name;
  }

  /** The Node, or null while only its pods are known. */
  public Node node() {
    return node.node();
  }

  /** Its Ready condition is True. */
  public boolean ready() {
    return node.ready();
  }

  public boolean unschedulable() {
    return node.unschedulable();
  }

  public Map<String, String> labels() {
    return node.node() == null ? Map.of() : node.node().getMetadata().getLabelsMap();
  }

  /** The taints that keep pods off (NoSchedule, NoExecute); PreferNoSchedule ones only advise. */
  public List<Taint> schedulingTaints() {
    return node.schedulingTaints();
  }

  public long allocatableCpuMillis() {
    return node.cpuMillis();
  }

  public long allocatableMemoryBytes() {
    return node.memoryBytes();
  }

  /** How many pods the node takes, or {@link #UNLIMITED}. */
  public long allocatablePods() {
    return node.pods();
  }

  public long requestedCpuMillis() {
    return requestedCpuMillis;
  }

  public long requestedMemoryBytes() {
    return requestedMemoryBytes;
  }

  /** Requested cpu counting pods that request none as {@link PodInfo#DEFAULT_CPU_MILLIS}: for scoring. */
  public long scoredCpuMillis() {
    return scoredCpuMillis;
  }

  public long scoredMemoryBytes() {
    return scoredMemoryBytes;
  }

  public int podCount() {
    return podCount;
  }

  public boolean portInUse(HostPort port) {
    return usedPorts.containsKey(port);
  }

  /** How many of its pods the owner with this uid controls. */
  public int podsOf(String ownerUid) {
    return podsByOwner.getOrDefault(ownerUid, 0);
  }

  @Override
  public String toString() {
    return name + " (" + podCount + " pods, " + requestedCpuMillis + "m/" + node.cpuMillis() + "m cpu, "
        + requestedMemoryBytes + "/" + node.memoryBytes() + " bytes)";
  }

  // Allocatable amounts are validated quantities; one too big for a long is as good as unlimited, a
  // negative one as none, and a fraction of the unit (of a millicore, of a byte) is not there to use.
  private static long milli(String quantity) {
    return quantity == null ? 0 : saturated(Quantity.parse(quantity).amount().movePointRight(3));
  }

  private static long units(String quantity) {
    return quantity == null ? 0 : saturated(Quantity.parse(quantity).amount());
  }

  private static long saturated(BigDecimal amount) {
    BigDecimal whole = amount.setScale(0, RoundingMode.DOWN);
    if (whole.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
      return Long.MAX_VALUE;
    }
    return Math.max(0, whole.longValue());
  }
}
