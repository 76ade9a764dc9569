package io.skiff.store.etcd;

import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.skiff.proto.etcd.AlarmRequest;
import io.skiff.proto.etcd.AlarmResponse;
import io.skiff.proto.etcd.DefragmentRequest;
import io.skiff.proto.etcd.DefragmentResponse;
import io.skiff.proto.etcd.MaintenanceGrpc;
import io.skiff.proto.etcd.SnapshotRequest;
import io.skiff.proto.etcd.SnapshotResponse;
import io.skiff.proto.etcd.StatusRequest;
import io.skiff.proto.etcd.StatusResponse;
import io.skiff.store.PeerStatus;
import io.skiff.store.raft.StorePeer;
import jakarta.inject.Inject;

/**
 * etcd's Maintenance service: Status (what {@code etcdctl endpoint status}
 * shows), an empty alarm list, and a Defragment that has nothing to do for an
 * in-memory key space, and Snapshot: the store's backup (its own snapshot format
 * followed by a SHA-256, see {@code SnapshotBackup}), which {@code etcdctl snapshot
 * save} fetches; etcdctl's {@code snapshot status} and {@code restore} read only etcd's
 * bbolt format and cannot read it: a Skiff master restores it with {@code --restore-snapshot}.
 * Hash and leader moves are not served.
 */
public final class MaintenanceService extends MaintenanceGrpc.MaintenanceImplBase {
  /** The etcd API version this store speaks, marked as Skiff's. */
  static final String VERSION = "3.4.0-skiff";

  private final StorePeer peer;

  @Inject
  public MaintenanceService(StorePeer peer) {
    this.peer = peer;
  }

  @Override
  public void status(StatusRequest request, StreamObserver<StatusResponse> observer) {
    PeerStatus s = peer.status();
    observer.onNext(StatusResponse.newBuilder()
        .setHeader(Headers.of(peer))
        .setVersion(VERSION)
        .setDbSize(s.dbSizeBytes())
        .setDbSizeInUse(s.dbSizeBytes())
        .setLeader(s.leaderMemberId())
        .setRaftIndex(s.commitIndex())
        .setRaftTerm(s.term())
        .setRaftAppliedIndex(s.appliedIndex())
        .build());
    observer.onCompleted();
  }

  @Override
  public void snapshot(SnapshotRequest request, StreamObserver<SnapshotResponse> observer) {
    new BackupStream<>((ServerCallStreamObserver<SnapshotResponse>) observer,
        (backup, data, offset, remaining) -> SnapshotResponse.newBuilder()
            .setHeader(Headers.of(peer, backup.revision())).setRemainingBytes(remaining).setBlob(data).build())
        .start(peer.saveSnapshot());
  }

  @Override
  public void alarm(AlarmRequest request, StreamObserver<AlarmResponse> observer) {
    observer.onNext(AlarmResponse.newBuilder().setHeader(Headers.of(peer)).build());
    observer.onCompleted();
  }

  @Override
  public void defragment(DefragmentRequest request, StreamObserver<DefragmentResponse> observer) {
    observer.onNext(DefragmentResponse.newBuilder().setHeader(Headers.of(peer)).build());
    observer.onCompleted();
  }
}
