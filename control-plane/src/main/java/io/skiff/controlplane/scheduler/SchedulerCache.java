package io.skiff.controlplane.scheduler;

import io.skiff.api.v1.Node;
import io.skiff.api.v1.Pod;
import io.skiff.controlplane.scheduler.policy.ClusterView;
import io.skiff.controlplane.scheduler.policy.NodeInfo;
import io.skiff.controlplane.scheduler.policy.PodInfo;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The scheduler's picture of the nodes: a {@link NodeInfo} per node, changed one event at a time
 * (a node or pod seen changing, never a rebuild of every node), and the pods it counts on each.
 * Besides the pods seen bound, it counts "assumed" ones: a pod is counted on its node as soon as it
 * is decided, so the next decision sees it before the bind is written; {@link #forget} takes it
 * away if the bind fails, and the pod seen bound replaces it when the bind succeeds.
 *
 * <p>A {@link #snapshot} is a copy of an array of references, taken again only after a change.
 *
 * <p>Thread-safe: one lock, held only for a few map operations.
 */
public final class SchedulerCache {
  /** Where a pod is counted, and as what. */
  private record Placement(PodInfo pod, String node, boolean assumed) {
  }

  /** By node name; a NodeInfo without a Node holds pods seen bound to a node not seen (yet). */
  private final Map<String, NodeInfo> nodes = new HashMap<>();
  /** The NodeInfos that have a Node, in the order views show them; {@code slots} indexes them by name. */
  private final List<NodeInfo> ordered = new ArrayList<>();
  private final Map<String, Integer> slots = new HashMap<>();
  /** Pods counted on a node, by uid. */
  private final Map<String, Placement> pods = new HashMap<>();
  /** The last snapshot, while nothing changed since. */
  private ClusterView snapshot;

  public synchronized void putNode(Node node) {
    String name = node.getMetadata().getName();
    NodeInfo info = nodes.getOrDefault(name, NodeInfo.empty(name)).withNode(node);
    if (!slots.containsKey(name)) {
      slots.put(name, ordered.size());
      ordered.add(info);
    }
    store(info);
  }

  public synchronized void removeNode(String name) {
    NodeInfo info = nodes.get(name);
    if (info == null) {
      return;
    }
    Integer slot = slots.remove(name);
    if (slot != null) {
      // the last node takes the removed one's place: views keep a stable order otherwise
      NodeInfo last = ordered.remove(ordered.size() - 1);
      if (slot < ordered.size()) {
        ordered.set(slot, last);
        slots.put(last.name(), slot);
      }
      snapshot = null;
    }
    if (info.podCount() == 0) {
      nodes.remove(name);
    } else {
      nodes.put(name, info.withNode(null));  // its pods are still counted until they are seen gone
    }
  }

  /** Counts a pod seen bound to a node (its spec.nodeName), in place of what was counted for it before. */
  public synchronized void putBoundPod(Pod pod) {
    PodInfo info = PodInfo.of(pod);
    Placement now = new Placement(info, pod.getSpec().getNodeName(), false);
    if (now.equals(pods.get(info.uid()))) {
      return;  // a status change: nothing the scheduler counts
    }
    place(now);
  }

  /** Counts a pod on the node it was just decided for, before its bind is written. */
  public synchronized void assume(PodInfo pod, String node) {
    place(new Placement(pod, node, true));
  }

  /** Stops counting a pod whose bind failed; a pod seen bound meanwhile stays counted. */
  public synchronized void forget(String uid) {
    Placement placement = pods.get(uid);
    if (placement != null && placement.assumed()) {
      unplace(uid);
    }
  }

  /** True while a pod's bind is in flight: decided, and not yet seen bound or forgotten. */
  public synchronized boolean isAssumed(String uid) {
    Placement placement = pods.get(uid);
    return placement != null && placement.assumed();
  }

  /** Stops counting a pod that is gone or finished. */
  public synchronized void removePod(String uid) {
    unplace(uid);
  }

  /** The nodes as they are now; cheap, and the same object until something changes. */
  public synchronized ClusterView snapshot() {
    if (snapshot == null) {
      snapshot = ClusterView.wrap(ordered.toArray(NodeInfo[]::new));
    }
    return snapshot;
  }

  /** A node as the cache counts it, or null. */
  public synchronized NodeInfo node(String name) {
    return nodes.get(name);
  }

  private void place(Placement placement) {
    unplace(placement.pod().uid());
    pods.put(placement.pod().uid(), placement);
    store(nodes.getOrDefault(placement.node(), NodeInfo.empty(placement.node())).withPod(placement.pod()));
  }

  private void unplace(String uid) {
    Placement old = pods.remove(uid);
    if (old == null) {
      return;
    }
    NodeInfo info = nodes.get(old.node()).withoutPod(old.pod());
    if (info.node() == null && info.podCount() == 0) {
      nodes.remove(old.node());
    } else {
      store(info);
    }
  }

  private void store(NodeInfo info) {
    nodes.put(info.name(), info);
    Integer slot = slots.get(info.name());
    if (slot != null) {
      ordered.set(slot, info);
      snapshot = null;
    }
  }
}
