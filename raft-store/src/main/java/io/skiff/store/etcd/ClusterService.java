package io.skiff.store.etcd;

import io.grpc.stub.StreamObserver;
import io.skiff.proto.etcd.ClusterGrpc;
import io.skiff.proto.etcd.Member;
import io.skiff.proto.etcd.MemberListRequest;
import io.skiff.proto.etcd.MemberListResponse;
import io.skiff.store.PeerSpec;
import io.skiff.store.raft.StorePeer;
import jakarta.inject.Inject;

/**
 * etcd's Cluster service: the member list, from the configured peers. Changing
 * membership at run time is not supported; the other calls answer UNIMPLEMENTED.
 */
public final class ClusterService extends ClusterGrpc.ClusterImplBase {
  private final StorePeer peer;

  @Inject
  public ClusterService(StorePeer peer) {
    this.peer = peer;
  }

  @Override
  public void memberList(MemberListRequest request, StreamObserver<MemberListResponse> observer) {
    MemberListResponse.Builder resp = MemberListResponse.newBuilder().setHeader(Headers.of(peer));
    for (PeerSpec p : peer.peers()) {
      Member.Builder m = Member.newBuilder().setID(peer.memberId(p.id())).setName(p.id())
          .addPeerURLs("http://" + p.raftAddress());
      if (!p.clientAddress().isEmpty()) {
        m.addClientURLs("http://" + p.clientAddress());
      }
      resp.addMembers(m);
    }
    observer.onNext(resp.build());
    observer.onCompleted();
  }
}
