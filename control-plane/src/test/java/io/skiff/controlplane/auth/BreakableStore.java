package io.skiff.controlplane.auth;

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
import io.skiff.proto.mvcc.Event;
import io.skiff.store.Store;
import io.skiff.store.mvcc.WatchSink;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A real store whose watches a test can break: {@link #silence} drops what they report from then
 * on (a watch that has fallen behind), and {@link #endSilenced} ends them as the store ends a watch
 * whose history was compacted away.
 */
final class BreakableStore implements Store {
  private final Store store;
  private final List<BreakableWatch> watches = new CopyOnWriteArrayList<>();

  BreakableStore(Store store) {
    this.store = store;
  }

  void silence() {
    watches.forEach(w -> w.silenced = true);
  }

  /** Cancels every silenced watch and reports it compacted to {@code compactRevision}. */
  void endSilenced(long compactRevision) {
    for (BreakableWatch w : watches) {
      if (w.silenced) {
        watches.remove(w);
        w.real.cancel();
        w.sink.compacted(compactRevision);
      }
    }
  }

  @Override
  public Watch watch(WatchCreateRequest request, WatchSink sink) {
    BreakableWatch watch = new BreakableWatch(sink);
    watches.add(watch);
    watch.real = store.watch(request, watch);
    return () -> {
      watches.remove(watch);
      watch.real.cancel();
    };
  }

  private static final class BreakableWatch implements WatchSink {
    final WatchSink sink;
    volatile boolean silenced;
    volatile Watch real;

    BreakableWatch(WatchSink sink) {
      this.sink = sink;
    }

    @Override
    public boolean send(List<Event> events, long revision) {
      return silenced || sink.send(events, revision);
    }

    @Override
    public boolean ready() {
      return silenced || sink.ready();
    }

    @Override
    public void compacted(long compactRevision) {
      if (!silenced) {
        sink.compacted(compactRevision);
      }
    }

    @Override
    public void progress(long revision) {
      if (!silenced) {
        sink.progress(revision);
      }
    }
  }

  @Override
  public CompletableFuture<RangeResponse> range(RangeRequest request) {
    return store.range(request);
  }

  @Override
  public CompletableFuture<PutResponse> put(PutRequest request) {
    return store.put(request);
  }

  @Override
  public CompletableFuture<DeleteRangeResponse> deleteRange(DeleteRangeRequest request) {
    return store.deleteRange(request);
  }

  @Override
  public CompletableFuture<TxnResponse> txn(TxnRequest request) {
    return store.txn(request);
  }

  @Override
  public CompletableFuture<CompactionResponse> compact(CompactionRequest request) {
    return store.compact(request);
  }

  @Override
  public CompletableFuture<LeaseGrantResponse> leaseGrant(LeaseGrantRequest request) {
    return store.leaseGrant(request);
  }

  @Override
  public CompletableFuture<LeaseRevokeResponse> leaseRevoke(LeaseRevokeRequest request) {
    return store.leaseRevoke(request);
  }

  @Override
  public CompletableFuture<LeaseKeepAliveResponse> leaseKeepAlive(LeaseKeepAliveRequest request) {
    return store.leaseKeepAlive(request);
  }

  @Override
  public CompletableFuture<LeaseTimeToLiveResponse> leaseTimeToLive(LeaseTimeToLiveRequest request) {
    return store.leaseTimeToLive(request);
  }

  @Override
  public CompletableFuture<LeaseLeasesResponse> leaseLeases() {
    return store.leaseLeases();
  }
}
