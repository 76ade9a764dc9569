package io.skiff.controlplane.scheduler.policy;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The nodes as one scheduling decision sees them: a fixed list of NodeInfos (each immutable), so a
 * decision reads one consistent state while the cache moves on. Only nodes whose Node is known are
 * in it. Immutable.
 */
public final class ClusterView {
  private final NodeInfo[] nodes;

  private ClusterView(NodeInfo[] nodes) {
    this.nodes = nodes;
  }

  /** A view of these nodes, in this order (the order ties are broken in); ones without a Node are left out. */
  public static ClusterView of(Collection<NodeInfo> nodes) {
    List<NodeInfo> known = new ArrayList<>(nodes.size());
    for (NodeInfo node : nodes) {
      if (node.node() != null) {
        known.add(node);
      }
    }
    return new ClusterView(known.toArray(NodeInfo[]::new));
  }

  /** A view that takes over {@code nodes}: the caller never changes the array again, and every entry has a Node. */
  public static ClusterView wrap(NodeInfo[] nodes) {
    return new ClusterView(nodes);
  }

  public int size() {
    return nodes.length;
  }

  public NodeInfo get(int index) {
    return nodes[index];
  }

  public List<NodeInfo> nodes() {
    return List.of(nodes);
  }
}
