package io.skiff.store.etcd;

import io.skiff.proto.etcd.ResponseHeader;
import io.skiff.store.raft.StorePeer;

/** etcd's response header for this peer. */
final class Headers {
  private Headers() {
  }

  static ResponseHeader of(StorePeer peer, long revision) {
    return peer.header(revision).build();
  }

  /** At the peer's current revision. */
  static ResponseHeader of(StorePeer peer) {
    return of(peer, peer.status().revision());
  }
}
