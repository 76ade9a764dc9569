package io.skiff.store;

import io.skiff.proto.etcd.CompactionRequest;
import io.skiff.proto.etcd.CompactionResponse;
import io.skiff.proto.etcd.DeleteRangeRequest;
import io.skiff.proto.etcd.DeleteRangeResponse;
import io.skiff.proto.etcd.LeaseGrantRequest;
import io.skiff.proto.etcd.LeaseGrantResponse;
import io.skiff.proto.etcd.LeaseKeepAliveRequest;
import io.skiff.proto.etcd.LeaseKeepAliveResponse;
import io.skiff.proto.etcd.LeaseLeasesResponse;
import io.skiff.proto.etcd.LeaseRevokeRequest;
import io.skiff.proto.etcd.LeaseRevokeResponse;
import io.skiff.proto.etcd.LeaseTimeToLiveRequest;
import io.skiff.proto.etcd.LeaseTimeToLiveResponse;
import io.skiff.proto.etcd.PutRequest;
import io.skiff.proto.etcd.PutResponse;
import io.skiff.proto.etcd.RangeRequest;
import io.skiff.proto.etcd.RangeResponse;
import io.skiff.proto.etcd.TxnRequest;
import io.skiff.proto.etcd.TxnResponse;
import io.skiff.proto.etcd.WatchCreateRequest;
import io.skiff.store.mvcc.WatchSink;
import java.util.concurrent.CompletableFuture;

/**
 * The replicated key-value store, in process. Same requests, responses and
 * semantics as etcd's v3 API (which the wire server exposes on top of this):
 * every write is committed through Raft before its future completes; reads are
 * linearizable unless the request asks for {@code serializable}.
 *
 * <p>Futures fail with {@link StoreException}. Thread-safe.
 */
public interface Store {
  CompletableFuture<RangeResponse> range(RangeRequest request);

  CompletableFuture<PutResponse> put(PutRequest request);

  CompletableFuture<DeleteRangeResponse> deleteRange(DeleteRangeRequest request);

  /** A txn that cannot write is served as a read. */
  CompletableFuture<TxnResponse> txn(TxnRequest request);

  CompletableFuture<CompactionResponse> compact(CompactionRequest request);

  /** An {@code ID} of 0 asks the store to choose one. */
  CompletableFuture<LeaseGrantResponse> leaseGrant(LeaseGrantRequest request);

  CompletableFuture<LeaseRevokeResponse> leaseRevoke(LeaseRevokeRequest request);

  /** Renews a lease to its full TTL; a TTL of 0 in the answer means the lease is gone. */
  CompletableFuture<LeaseKeepAliveResponse> leaseKeepAlive(LeaseKeepAliveRequest request);

  CompletableFuture<LeaseTimeToLiveResponse> leaseTimeToLive(LeaseTimeToLiveRequest request);

  CompletableFuture<LeaseLeasesResponse> leaseLeases();

  /**
   * Watches a key or range from {@code start_revision} (0: from now), on this
   * peer's applied state. Events arrive on {@code sink} in revision order, each
   * once; cancel the returned watch to stop.
   */
  Watch watch(WatchCreateRequest request, WatchSink sink);

  /** A registered watch. */
  interface Watch {
    void cancel();
  }
}
