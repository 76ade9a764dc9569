package io.skiff.store.etcd;

import io.grpc.stub.StreamObserver;
import io.skiff.proto.etcd.LeaseGrantRequest;
import io.skiff.proto.etcd.LeaseGrantResponse;
import io.skiff.proto.etcd.LeaseGrpc;
import io.skiff.proto.etcd.LeaseKeepAliveRequest;
import io.skiff.proto.etcd.LeaseKeepAliveResponse;
import io.skiff.proto.etcd.LeaseLeasesRequest;
import io.skiff.proto.etcd.LeaseLeasesResponse;
import io.skiff.proto.etcd.LeaseRevokeRequest;
import io.skiff.proto.etcd.LeaseRevokeResponse;
import io.skiff.proto.etcd.LeaseTimeToLiveRequest;
import io.skiff.proto.etcd.LeaseTimeToLiveResponse;
import io.skiff.store.Store;
import jakarta.inject.Inject;

/** etcd's Lease service over the {@link Store}. */
public final class LeaseService extends LeaseGrpc.LeaseImplBase {
  private final Store store;

  @Inject
  public LeaseService(Store store) {
    this.store = store;
  }

  @Override
  public void leaseGrant(LeaseGrantRequest request, StreamObserver<LeaseGrantResponse> observer) {
    Replies.reply(store.leaseGrant(request), observer);
  }

  @Override
  public void leaseRevoke(LeaseRevokeRequest request, StreamObserver<LeaseRevokeResponse> observer) {
    Replies.reply(store.leaseRevoke(request), observer);
  }

  @Override
  public void leaseTimeToLive(LeaseTimeToLiveRequest request, StreamObserver<LeaseTimeToLiveResponse> observer) {
    Replies.reply(store.leaseTimeToLive(request), observer);
  }

  @Override
  public void leaseLeases(LeaseLeasesRequest request, StreamObserver<LeaseLeasesResponse> observer) {
    Replies.reply(store.leaseLeases(), observer);
  }

  /** Each keep-alive is answered in turn; a TTL of 0 tells the client the lease is gone. */
  @Override
  public StreamObserver<LeaseKeepAliveRequest> leaseKeepAlive(StreamObserver<LeaseKeepAliveResponse> observer) {
    return new StreamObserver<>() {
      /** Guarded by observer: no call after the stream ended. */
      private boolean ended;

      @Override
      public void onNext(LeaseKeepAliveRequest request) {
        store.leaseKeepAlive(request).whenComplete((resp, error) -> {
          synchronized (observer) {
            if (ended) {
              return;
            }
            if (error != null) {
              ended = true;
              observer.onError(Replies.toStatus(error));
            } else {
              observer.onNext(resp);
            }
          }
        });
      }

      @Override
      public void onError(Throwable t) {
        // the client went away; nothing to clean up
      }

      @Override
      public void onCompleted() {
        synchronized (observer) {
          if (!ended) {
            ended = true;
            observer.onCompleted();
          }
        }
      }
    };
  }
}
