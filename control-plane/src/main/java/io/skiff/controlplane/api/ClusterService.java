package io.skiff.controlplane.api;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.skiff.api.v1.AddMemberRequest;
import io.skiff.api.v1.ClusterGrpc;
import io.skiff.api.v1.Member;
import io.skiff.api.v1.MembersRequest;
import io.skiff.api.v1.MembersResponse;
import io.skiff.api.v1.RemoveMemberRequest;
import io.skiff.api.v1.SnapshotChunk;
import io.skiff.api.v1.SnapshotRequest;
import io.skiff.api.v1.VersionInfo;
import io.skiff.api.v1.VersionRequest;
import io.skiff.proto.etcd.MaintenanceGrpc;
import io.skiff.proto.etcd.StatusRequest;
import io.skiff.proto.etcd.StatusResponse;
import io.skiff.store.PeerSpec;
import io.skiff.store.PeerStatus;
import io.skiff.store.StoreException;
import io.skiff.store.etcd.BackupStream;
import io.skiff.store.raft.StorePeer;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * skiff.api.v1.Cluster: the masters as the store sees them (its live Raft
 * membership), changes to that membership, and backups. This master answers
 * for itself from its peer; every other is asked over its etcd endpoint
 * (Maintenance.Status), so an unreachable one shows as such. Who may call what is
 * {@link io.skiff.controlplane.auth.MethodAccess}'s table (changes and backups: cluster-admin).
 */
final class ClusterService extends ClusterGrpc.ClusterImplBase implements AutoCloseable {
  private static final long ASK_TIMEOUT_MILLIS = 2_000;

  private final StorePeer peer;
  private final PeerChannels peerChannels;
  private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();

  ClusterService(StorePeer peer, PeerChannels peerChannels) {
    this.peer = peer;
    this.peerChannels = peerChannels;
  }

  @Override
  public void members(MembersRequest request, StreamObserver<MembersResponse> observer) {
    PeerStatus self = peer.status();
    String leader = "";
    MembersResponse.Builder response = MembersResponse.newBuilder().setAnsweredBy(peer.config().id());
    for (PeerSpec spec : peer.members()) {
      if (self.leaderMemberId() != 0 && peer.memberId(spec.id()) == self.leaderMemberId()) {
        leader = spec.id();
      }
      Member.Builder member = Member.newBuilder().setId(spec.id()).setRaftAddress(spec.raftAddress())
          .setStoreAddress(spec.clientAddress()).setMemberId(peer.memberId(spec.id()));
      if (spec.id().equals(peer.config().id())) {
        describe(member, self.leaderMemberId(), self.term(), self.appliedIndex(), self.revision(), self.dbSizeBytes());
      } else {
        ask(spec, member);
      }
      response.addMembers(member);
    }
    observer.onNext(response.setLeader(leader).build());
    observer.onCompleted();
  }

  private void ask(PeerSpec spec, Member.Builder member) {
    if (spec.clientAddress().isEmpty()) {
      member.setRole("unreachable").setError("no store address known");
      return;
    }
    try {
      StatusResponse status = MaintenanceGrpc.newBlockingStub(channel(spec))
          .withDeadlineAfter(ASK_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS).status(StatusRequest.getDefaultInstance());
      describe(member, status.getLeader(), status.getRaftTerm(), status.getRaftAppliedIndex(),
          status.getHeader().getRevision(), status.getDbSize());
    } catch (RuntimeException e) {
      member.setRole("unreachable").setHealthy(false).setError(io.grpc.Status.fromThrowable(e).toString());
    }
  }

  private static void describe(Member.Builder member, long leaderId, long term, long applied, long revision, long dbSize) {
    boolean hasLeader = leaderId != 0;
    member.setRole(!hasLeader ? "candidate" : leaderId == member.getMemberId() ? "leader" : "follower")
        .setHealthy(hasLeader)
        .setError(hasLeader ? "" : "no leader known")
        .setRaftTerm(term).setRaftAppliedIndex(applied).setRevision(revision).setDbSizeBytes(dbSize);
  }

  private ManagedChannel channel(PeerSpec spec) {
    return channels.computeIfAbsent(spec.clientAddress(), address ->
        peerChannels.open(PeerSpec.host(address), PeerSpec.port(address)));
  }

  @Override
  public void addMember(AddMemberRequest request, StreamObserver<MembersResponse> observer) {
    PeerSpec spec;
    try {
      if (request.getStoreAddress().isEmpty()) {
        throw new IllegalArgumentException("store_address: the new master's store (etcd) host:port is required");
      }
      spec = new PeerSpec(request.getId(), request.getRaftAddress(), request.getStoreAddress());
    } catch (IllegalArgumentException e) {
      observer.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
      return;
    }
    answerWithMembers(peer.addMember(spec), observer);
  }

  @Override
  public void removeMember(RemoveMemberRequest request, StreamObserver<MembersResponse> observer) {
    if (request.getId().isEmpty()) {
      observer.onError(Status.INVALID_ARGUMENT.withDescription("id: the member to remove is required")
          .asRuntimeException());
      return;
    }
    answerWithMembers(peer.removeMember(request.getId()), observer);
  }

  private void answerWithMembers(CompletableFuture<?> change, StreamObserver<MembersResponse> observer) {
    change.whenComplete((members, error) -> {
      if (error != null) {
        observer.onError(toStatus(error));
      } else {
        members(MembersRequest.getDefaultInstance(), observer);
      }
    });
  }

  @Override
  public void snapshot(SnapshotRequest request, StreamObserver<SnapshotChunk> observer) {
    new BackupStream<>((ServerCallStreamObserver<SnapshotChunk>) observer,
        (backup, data, offset, remaining) -> {
          SnapshotChunk.Builder chunk = SnapshotChunk.newBuilder().setData(data);
          return (offset == 0 ? chunk.setRevision(backup.revision()).setTotalBytes(backup.sizeBytes()) : chunk).build();
        })
        .start(peer.saveSnapshot());
  }

  private static StatusRuntimeException toStatus(Throwable error) {
    Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    if (cause instanceof StoreException e) {
      return Status.fromCodeValue(e.code().grpcCode).withDescription(e.getMessage()).asRuntimeException();
    }
    return Status.INTERNAL.withDescription(String.valueOf(cause)).asRuntimeException();
  }

  @Override
  public void version(VersionRequest request, StreamObserver<VersionInfo> observer) {
    observer.onNext(VersionInfo.newBuilder().setVersion(version())
        .setJavaVersion(System.getProperty("java.version"))
        .setOs(System.getProperty("os.name") + "/" + System.getProperty("os.arch")).build());
    observer.onCompleted();
  }

  /** The build's version, from the jar's manifest ("dev" when run from classes). */
  static String version() {
    String version = ClusterService.class.getPackage().getImplementationVersion();
    return version == null ? "dev" : version;
  }

  @Override
  public void close() {
    channels.values().forEach(ManagedChannel::shutdownNow);
  }
}
