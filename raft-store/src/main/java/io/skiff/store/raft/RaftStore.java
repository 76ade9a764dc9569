package io.skiff.store.raft;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import io.skiff.proto.etcd.CompactionRequest;
import io.skiff.proto.etcd.CompactionResponse;
import io.skiff.proto.etcd.DeleteRangeRequest;
import io.skiff.proto.etcd.DeleteRangeResponse;
import io.skiff.proto.etcd.LeaseGrantRequest;
import io.skiff.proto.etcd.LeaseGrantResponse;
import io.skiff.proto.etcd.LeaseKeepAliveRequest;
import io.skiff.proto.etcd.LeaseKeepAliveResponse;
import io.skiff.proto.etcd.LeaseLeasesRequest;
import io.skiff.proto.etcd.LeaseLeasesResponse;
import io.skiff.proto.etcd.LeaseRevokeRequest;
import io.skiff.proto.etcd.LeaseRevokeResponse;
import io.skiff.proto.etcd.LeaseTimeToLiveRequest;
import io.skiff.proto.etcd.LeaseTimeToLiveResponse;
import io.skiff.proto.etcd.PutRequest;
import io.skiff.proto.etcd.PutResponse;
import io.skiff.proto.etcd.RangeRequest;
import io.skiff.proto.etcd.RangeResponse;
import io.skiff.proto.etcd.ResponseHeader;
import io.skiff.proto.etcd.TxnRequest;
import io.skiff.proto.etcd.TxnResponse;
import io.skiff.proto.etcd.WatchCreateRequest;
import io.skiff.proto.store.StoreRequest;
import io.skiff.proto.store.StoreResponse;
import io.skiff.store.ErrorCode;
import io.skiff.store.Store;
import io.skiff.store.StoreException;
import io.skiff.store.mvcc.RequestValidator;
import io.skiff.store.mvcc.StoreState;
import io.skiff.store.mvcc.WatchSink;
import io.skiff.store.mvcc.Watcher;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongFunction;
import java.util.function.LongSupplier;
import org.apache.ratis.protocol.RaftClientReply;

/**
 * The {@link Store} of one embedded peer. Requests are checked before they
 * reach the log ({@link RequestValidator}); writes go through the
 * {@link Proposer}; linearizable reads through Ratis' ReadIndex on the leader;
 * serializable reads and watches are served from this peer's applied state.
 */
final class RaftStore implements Store {
  private final StoreState state;
  private final Proposer proposer;
  private final ReadBarriers reads;
  private final RequestValidator validator;
  private final long minLeaseTtlSeconds;
  private final LongFunction<ResponseHeader.Builder> header;
  private final LongSupplier leaseIds;
  private final java.util.concurrent.Executor completions;

  RaftStore(StoreState state, Proposer proposer, RaftGateway raft, RequestValidator validator,
      long minLeaseTtlSeconds, LongFunction<ResponseHeader.Builder> header, LongSupplier leaseIds,
      java.util.concurrent.Executor completions) {
    this.state = state;
    this.proposer = proposer;
    this.reads = new ReadBarriers(raft, completions);
    this.validator = validator;
    this.minLeaseTtlSeconds = minLeaseTtlSeconds;
    this.header = header;
    this.leaseIds = leaseIds;
    this.completions = completions;
  }

  @Override
  public CompletableFuture<RangeResponse> range(RangeRequest r) {
    return checked(() -> validator.check(r), () -> {
      StoreRequest request = StoreRequest.newBuilder().setRange(r).build();
      return (r.getSerializable() ? local(request) : linearizable(request)).thenApply(s -> withHeader(s.getRange()));
    });
  }

  @Override
  public CompletableFuture<PutResponse> put(PutRequest r) {
    return checked(() -> validator.check(r),
        () -> write(StoreRequest.newBuilder().setPut(r).build()).thenApply(s -> withHeader(s.getPut())));
  }

  @Override
  public CompletableFuture<DeleteRangeResponse> deleteRange(DeleteRangeRequest r) {
    return checked(() -> validator.check(r),
        () -> write(StoreRequest.newBuilder().setDeleteRange(r).build()).thenApply(s -> withHeader(s.getDeleteRange())));
  }

  @Override
  public CompletableFuture<TxnResponse> txn(TxnRequest r) {
    return checked(() -> validator.check(r), () -> {
      StoreRequest request = StoreRequest.newBuilder().setTxn(r).build();
      return (RequestValidator.isReadOnly(r) ? linearizable(request) : write(request))
          .thenApply(s -> withHeader(s.getTxn()));
    });
  }

  @Override
  public CompletableFuture<CompactionResponse> compact(CompactionRequest r) {
    return write(StoreRequest.newBuilder().setCompaction(r).build()).thenApply(s -> withHeader(s.getCompaction()));
  }

  @Override
  public CompletableFuture<LeaseGrantResponse> leaseGrant(LeaseGrantRequest r) {
    return checked(() -> validator.check(r), () -> {
      // the proposer fixes ID and TTL so that every replica applies the same grant
      LeaseGrantRequest fixed = r.toBuilder()
          .setID(r.getID() != 0 ? r.getID() : leaseIds.getAsLong())
          .setTTL(Math.max(r.getTTL(), minLeaseTtlSeconds))
          .build();
      return write(StoreRequest.newBuilder().setLeaseGrant(fixed).build()).thenApply(s -> withHeader(s.getLeaseGrant()));
    });
  }

  @Override
  public CompletableFuture<LeaseRevokeResponse> leaseRevoke(LeaseRevokeRequest r) {
    return write(StoreRequest.newBuilder().setLeaseRevoke(r).build()).thenApply(s -> withHeader(s.getLeaseRevoke()));
  }

  @Override
  public CompletableFuture<LeaseKeepAliveResponse> leaseKeepAlive(LeaseKeepAliveRequest r) {
    return write(StoreRequest.newBuilder().setLeaseKeepAlive(r).build())
        .thenApply(s -> withHeader(s.getLeaseKeepAlive()));
  }

  @Override
  public CompletableFuture<LeaseTimeToLiveResponse> leaseTimeToLive(LeaseTimeToLiveRequest r) {
    return linearizable(StoreRequest.newBuilder().setLeaseTimeToLive(r).build())
        .thenApply(s -> withHeader(s.getLeaseTimeToLive()));
  }

  @Override
  public CompletableFuture<LeaseLeasesResponse> leaseLeases() {
    StoreRequest request = StoreRequest.newBuilder().setLeaseLeases(LeaseLeasesRequest.getDefaultInstance()).build();
    return linearizable(request).thenApply(s -> withHeader(s.getLeaseLeases()));
  }

  @Override
  public Watch watch(WatchCreateRequest request, WatchSink sink) {
    Watcher watcher = state.watch(request, sink);
    return watcher::cancel;
  }

  /** Completes once this peer has applied every write committed before the call (a ReadIndex round). */
  CompletableFuture<Void> barrier() {
    return reads.await();
  }

  private CompletableFuture<StoreResponse> write(StoreRequest request) {
    return proposer.propose(request).thenApply(RaftStore::unwrap);
  }

  /**
   * Every etcd response has a {@code header} field (number 1); the state machine
   * fills only its revision, this peer adds cluster, member and term.
   */
  @SuppressWarnings("unchecked")
  private <T extends Message> T withHeader(T response) {
    FieldDescriptor field = response.getDescriptorForType().findFieldByNumber(1);
    ResponseHeader partial = (ResponseHeader) response.getField(field);
    return (T) response.toBuilder().setField(field, header.apply(partial.getRevision()).build()).build();
  }

  private CompletableFuture<StoreResponse> local(StoreRequest request) {
    try {
      return CompletableFuture.completedFuture(unwrap(state.query(request, System.currentTimeMillis())));
    } catch (StoreException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /**
   * A read after a shared ReadIndex round: it sees every write committed before
   * it began, and is answered from this peer's state.
   */
  private CompletableFuture<StoreResponse> linearizable(StoreRequest request) {
    return reads.await().thenApplyAsync(
        ready -> unwrap(state.query(request, System.currentTimeMillis())), completions);
  }

  private static StoreResponse unwrap(StoreResponse s) {
    if (s.hasError()) {
      throw new StoreException(ErrorCode.ofGrpcCode(s.getError().getCode()), s.getError().getMessage());
    }
    return s;
  }

  /** Runs the stateless checks first, so a refused request fails without touching Raft. */
  private static <T> CompletableFuture<T> checked(Runnable check, java.util.function.Supplier<CompletableFuture<T>> then) {
    try {
      check.run();
    } catch (StoreException e) {
      return CompletableFuture.failedFuture(e);
    }
    return then.get();
  }
}
