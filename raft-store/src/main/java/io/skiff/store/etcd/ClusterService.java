package io.skiff.store.etcd;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.skiff.proto.etcd.ClusterGrpc;
import io.skiff.proto.etcd.Member;
import io.skiff.proto.etcd.MemberAddRequest;
import io.skiff.proto.etcd.MemberAddResponse;
import io.skiff.proto.etcd.MemberListRequest;
import io.skiff.proto.etcd.MemberListResponse;
import io.skiff.proto.etcd.MemberRemoveRequest;
import io.skiff.proto.etcd.MemberRemoveResponse;
import io.skiff.store.PeerSpec;
import io.skiff.store.raft.StorePeer;
import jakarta.inject.Inject;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * etcd's Cluster service over the store's live membership (Ratis' configuration).
 *
 * <p>MemberAdd: etcd's request carries only peer URLs, no name, and Skiff's members are named by
 * id. The new member must already run, started with {@code --join} (as etcd's new member starts
 * with {@code --initial-cluster-state existing}); the store asks the peer at the one peer URL for
 * its id. The request has no store (client) address either, so a member added this way is listed
 * without client URLs; {@code skiff cluster add-member ID --raft-address --store-address} records
 * both. Learners, MemberUpdate and MemberPromote are not supported.
 */
public final class ClusterService extends ClusterGrpc.ClusterImplBase {
  private final StorePeer peer;

  @Inject
  public ClusterService(StorePeer peer) {
    this.peer = peer;
  }

  @Override
  public void memberList(MemberListRequest request, StreamObserver<MemberListResponse> observer) {
    observer.onNext(MemberListResponse.newBuilder().setHeader(Headers.of(peer))
        .addAllMembers(members(peer.members())).build());
    observer.onCompleted();
  }

  @Override
  public void memberAdd(MemberAddRequest request, StreamObserver<MemberAddResponse> observer) {
    if (request.getIsLearner()) {
      observer.onError(Status.UNIMPLEMENTED.withDescription("etcdserver: learners are not supported").asRuntimeException());
      return;
    }
    String raftAddress;
    try {
      raftAddress = raftAddress(request.getPeerURLsList());
    } catch (IllegalArgumentException e) {
      observer.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
      return;
    }
    CompletableFuture<MemberAddResponse> added = peer.peerIdAt(raftAddress)
        .thenCompose(id -> peer.addMember(new PeerSpec(id, raftAddress, "")).thenApply(members -> {
          List<Member> listed = members(members);
          return MemberAddResponse.newBuilder().setHeader(Headers.of(peer))
              .setMember(listed.stream().filter(m -> m.getName().equals(id)).findFirst().orElseThrow())
              .addAllMembers(listed).build();
        }));
    Replies.reply(added, observer);
  }

  @Override
  public void memberRemove(MemberRemoveRequest request, StreamObserver<MemberRemoveResponse> observer) {
    String id = peer.members().stream().map(PeerSpec::id).filter(p -> peer.memberId(p) == request.getID())
        .findFirst().orElse(null);
    if (id == null) {
      observer.onError(Status.NOT_FOUND.withDescription("etcdserver: member not found").asRuntimeException());
      return;
    }
    Replies.reply(peer.removeMember(id).thenApply(members -> MemberRemoveResponse.newBuilder()
        .setHeader(Headers.of(peer)).addAllMembers(members(members)).build()), observer);
  }

  private List<Member> members(List<PeerSpec> specs) {
    return specs.stream().map(p -> {
      Member.Builder m = Member.newBuilder().setID(peer.memberId(p.id())).setName(p.id())
          .addPeerURLs("http://" + p.raftAddress());
      if (!p.clientAddress().isEmpty()) {
        m.addClientURLs("http://" + p.clientAddress());
      }
      return m.build();
    }).toList();
  }

  /** The one peer URL's host:port. */
  private static String raftAddress(List<String> urls) {
    if (urls.size() != 1) {
      throw new IllegalArgumentException("etcdserver: give exactly one peer URL (the new member's raft address), got "
          + urls.size());
    }
    URI uri;
    try {
      uri = URI.create(urls.get(0));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("etcdserver: peer URL '" + urls.get(0) + "' is not a URL");
    }
    if (uri.getHost() == null || uri.getPort() <= 0) {
      throw new IllegalArgumentException("etcdserver: peer URL '" + urls.get(0) + "' has no host:port");
    }
    return uri.getHost() + ":" + uri.getPort();
  }
}
