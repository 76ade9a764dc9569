package io.skiff.store;

import java.util.ArrayList;
import java.util.List;

/**
 * One member of a store cluster: its id, the address its Raft peer listens on,
 * and the address it serves etcd clients on (empty when it serves none).
 * Written {@code id=raftHost:raftPort[/clientHost:clientPort]}.
 */
public record PeerSpec(String id, String raftAddress, String clientAddress) {
  public PeerSpec {
    if (id.isBlank() || !id.matches("[A-Za-z0-9._-]+")) {
      throw new IllegalArgumentException("peer id '" + id + "' must be letters, digits, '.', '_' or '-'");
    }
    requireHostPort(raftAddress, "raft address of peer " + id);
    if (!clientAddress.isEmpty()) {
      requireHostPort(clientAddress, "client address of peer " + id);
    }
  }

  public static PeerSpec parse(String spec) {
    int eq = spec.indexOf('=');
    if (eq <= 0) {
      throw new IllegalArgumentException("peer '" + spec + "' is not id=raftHost:raftPort[/clientHost:clientPort]");
    }
    String id = spec.substring(0, eq).trim();
    String[] addresses = spec.substring(eq + 1).trim().split("/", -1);
    if (addresses.length > 2) {
      throw new IllegalArgumentException("peer '" + spec + "' has more than two addresses");
    }
    return new PeerSpec(id, addresses[0], addresses.length == 2 ? addresses[1] : "");
  }

  /** Parses a comma-separated list, refusing duplicate ids. */
  public static List<PeerSpec> parseList(String specs) {
    List<PeerSpec> peers = new ArrayList<>();
    for (String s : specs.split(",")) {
      if (s.isBlank()) {
        continue;
      }
      PeerSpec p = parse(s.trim());
      if (peers.stream().anyMatch(q -> q.id().equals(p.id()))) {
        throw new IllegalArgumentException("peer id '" + p.id() + "' appears twice");
      }
      peers.add(p);
    }
    if (peers.isEmpty()) {
      throw new IllegalArgumentException("no peers given");
    }
    return List.copyOf(peers);
  }

  public static String host(String hostPort) {
    return hostPort.substring(0, hostPort.lastIndexOf(':'));
  }

  public static int port(String hostPort) {
    return Integer.parseInt(hostPort.substring(hostPort.lastIndexOf(':') + 1));
  }

  private static void requireHostPort(String hostPort, String what) {
    int colon = hostPort.lastIndexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException(what + " '" + hostPort + "' is not host:port");
    }
    try {
      int port = Integer.parseInt(hostPort.substring(colon + 1));
      if (port <= 0 || port > 65535) {
        throw new NumberFormatException();
      }
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(what + " '" + hostPort + "' has no valid port");
    }
  }

  @Override
  public String toString() {
    return id + "=" + raftAddress + (clientAddress.isEmpty() ? "" : "/" + clientAddress);
  }
}
