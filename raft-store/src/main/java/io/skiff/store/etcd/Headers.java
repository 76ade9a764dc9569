package io.skiff.store.etcd;

import io.skiff.proto.etcd.ResponseHeader;
import io.skiff.store.PeerStatus;
import io.skiff.store.raft.StorePeer;

/** etcd's response header for this peer. */
final class Headers {
  private Headers() {
  }

  static ResponseHeader of(StorePeer peer, long revision) {
    PeerStatus s = peer.status();
    return ResponseHeader.newBuilder().setClusterId(s.clusterId()).setMemberId(s.memberId())
        .setRaftTerm(s.term()).setRevision(revision).build();
  }

  static ResponseHeader of(StorePeer peer) {
    PeerStatus s = peer.status();
    return ResponseHeader.newBuilder().setClusterId(s.clusterId()).setMemberId(s.memberId())
        .setRaftTerm(s.term()).setRevision(s.revision()).build();
  }
}
