package io.skiff.store.raft;

import io.skiff.store.PeerSpec;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import org.apache.ratis.protocol.RaftPeer;

/**
 * A member as Ratis' configuration stores it. The store (etcd) address travels
 * in the peer's data-stream address, so that every member learns every other's
 * addresses from the replicated configuration. Not in the client address: Ratis'
 * own clients connect to a peer's client address when it has one, and would then
 * reach the etcd endpoint instead of Raft. The data-stream address is read only
 * when Ratis' DataStream is enabled, which the store never does.
 */
final class RaftPeers {
  private RaftPeers() {
  }

  static RaftPeer of(PeerSpec spec) {
    RaftPeer.Builder peer = RaftPeer.newBuilder().setId(spec.id()).setAddress(spec.raftAddress());
    if (!spec.clientAddress().isEmpty()) {
      peer.setDataStreamAddress(spec.clientAddress());
    }
    return peer.build();
  }

  /** The member {@code peer} describes; {@code configured} supplies a store address the configuration lacks. */
  static PeerSpec spec(RaftPeer peer, List<PeerSpec> configured) {
    String id = peer.getId().toString();
    String client = peer.getDataStreamAddress();
    if (client == null || client.isEmpty()) {
      // a store formatted before addresses were replicated: the command line knows them
      client = configured.stream().filter(p -> p.id().equals(id)).map(PeerSpec::clientAddress).findFirst().orElse("");
    }
    return new PeerSpec(id, peer.getAddress(), client);
  }

  /** Members by id, so every master lists them in the same order. */
  static List<PeerSpec> specs(Collection<RaftPeer> peers, List<PeerSpec> configured) {
    return peers.stream().map(p -> spec(p, configured)).sorted(Comparator.comparing(PeerSpec::id)).toList();
  }
}
