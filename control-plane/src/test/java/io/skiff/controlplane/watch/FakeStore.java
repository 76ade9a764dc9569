package io.skiff.controlplane.watch;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import io.skiff.controlplane.registry.Kind;
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
import io.skiff.proto.etcd.ResponseHeader;
import io.skiff.proto.etcd.TxnRequest;
import io.skiff.proto.etcd.TxnResponse;
import io.skiff.proto.etcd.WatchCreateRequest;
import io.skiff.proto.mvcc.Event;
import io.skiff.proto.mvcc.KeyValue;
import io.skiff.store.Store;
import io.skiff.store.mvcc.WatchSink;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Just enough of a store for a {@link WatchCache}: a scripted history of one
 * kind's objects. The test writes (put, delete), which only produce store
 * events; it decides when the cache's store watch receives them ({@link #deliver}),
 * so it can play history late, as a real store's catch-up does. It can also hold
 * a list or a watch call open, to play what the cache does meanwhile.
 */
final class FakeStore<T extends Message> implements Store {
  private final Kind<T> kind;
  private final TreeMap<ByteString, KeyValue> live = new TreeMap<>(ByteString.unsignedLexicographicalComparator());
  private long revision;
  private long listedRevision = -1;
  private List<KeyValue> listed = List.of();
  private volatile WatchCreateRequest watchRequest;
  private volatile WatchSink sink;
  private volatile boolean watchCancelled;
  private final AtomicLong delivered = new AtomicLong();
  private final AtomicInteger watches = new AtomicInteger();
  /** A watch call returns once this completes. */
  private volatile CompletableFuture<Void> watchReturns = CompletableFuture.completedFuture(null);
  private boolean holdNextList;
  /** The answer to a held list, completed by {@link #releaseList}. */
  private CompletableFuture<RangeResponse> heldList;

  FakeStore(Kind<T> kind) {
    this.kind = kind;
  }

  /** Writes an object; returns the store event (the cache sees it only when delivered). */
  synchronized Event put(T object) {
    ByteString key = key(object);
    KeyValue previous = live.get(key);
    revision++;
    KeyValue kv = KeyValue.newBuilder().setKey(key).setValue(kind.forStore(object).toByteString())
        .setCreateRevision(previous == null ? revision : previous.getCreateRevision()).setModRevision(revision)
        .setVersion(previous == null ? 1 : previous.getVersion() + 1).build();
    live.put(key, kv);
    Event.Builder event = Event.newBuilder().setType(Event.EventType.PUT).setKv(kv);
    if (previous != null) {
      event.setPrevKv(previous);
    }
    return event.build();
  }

  synchronized Event delete(T object) {
    ByteString key = key(object);
    KeyValue previous = live.remove(key);
    if (previous == null) {
      throw new IllegalArgumentException("no " + key.toStringUtf8());
    }
    revision++;
    return Event.newBuilder().setType(Event.EventType.DELETE)
        .setKv(KeyValue.newBuilder().setKey(key).setModRevision(revision)).setPrevKv(previous).build();
  }

  synchronized long revision() {
    return revision;
  }

  /** From now on a range (the cache's list) answers with the current objects at the current revision. */
  synchronized void snapshotForList() {
    listedRevision = revision;
    listed = new ArrayList<>(live.values());
  }

  /**
   * Hands events to the cache's store watch, as one batch up to the last one's
   * revision; returns how many events the watch has been handed in all.
   */
  long deliver(List<Event> events) {
    sink().send(events, events.get(events.size() - 1).getKv().getModRevision());
    return delivered.addAndGet(events.size());
  }

  /** Tells the cache's store watch that history from its next revision up to {@code revision} is gone. */
  void compacted(long revision) {
    sink().compacted(revision);
  }

  void progress(long upTo) {
    sink().progress(upTo);
  }

  WatchCreateRequest watchRequest() {
    return watchRequest;
  }

  /** How many store watches the cache has made. */
  int watches() {
    return watches.get();
  }

  /**
   * The next watch is registered (it can be reported on) but the call does not
   * return it until {@link #releaseWatch}: the real store's catch-up thread can
   * report on a watch before the call that made it has returned.
   */
  void holdNextWatch() {
    watchReturns = new CompletableFuture<>();
  }

  void releaseWatch() {
    watchReturns.complete(null);
  }

  /** The next list is answered only at {@link #releaseList}, with what the store holds then. */
  synchronized void holdNextList() {
    holdNextList = true;
  }

  synchronized boolean listHeld() {
    return heldList != null && !heldList.isDone();
  }

  void releaseList() {
    CompletableFuture<RangeResponse> held;
    RangeResponse answer;
    synchronized (this) {
      held = heldList;
      answer = listAnswer();
    }
    held.complete(answer);
  }

  boolean watchCancelled() {
    return watchCancelled;
  }

  private WatchSink sink() {
    if (sink == null) {
      throw new IllegalStateException("the cache is not watching");
    }
    return sink;
  }

  private ByteString key(T object) {
    var meta = kind.meta(object);
    return kind.key(meta.getNamespace(), meta.getName());
  }

  @Override
  public synchronized CompletableFuture<RangeResponse> range(RangeRequest request) {
    if (holdNextList) {
      holdNextList = false;
      heldList = new CompletableFuture<>();
      return heldList;
    }
    return CompletableFuture.completedFuture(listAnswer());
  }

  private RangeResponse listAnswer() {
    long at = listedRevision < 0 ? revision : listedRevision;
    List<KeyValue> kvs = listedRevision < 0 ? new ArrayList<>(live.values()) : listed;
    return RangeResponse.newBuilder().setHeader(ResponseHeader.newBuilder().setRevision(at)).addAllKvs(kvs)
        .setCount(kvs.size()).build();
  }

  @Override
  public Watch watch(WatchCreateRequest request, WatchSink sink) {
    this.watchRequest = request;
    this.sink = sink;
    watches.incrementAndGet();
    watchReturns.orTimeout(10, TimeUnit.SECONDS).join();
    return () -> watchCancelled = true;
  }

  @Override
  public CompletableFuture<PutResponse> put(PutRequest request) {
    throw new UnsupportedOperationException();
  }

  @Override
  public CompletableFuture<DeleteRangeResponse> deleteRange(DeleteRangeRequest request) {
    throw new UnsupportedOperationException();
  }

  @Override
  public CompletableFuture<TxnResponse> txn(TxnRequest request) {
    throw new UnsupportedOperationException();
  }

  @Override
  public CompletableFuture<CompactionResponse> compact(CompactionRequest request) {
    throw new UnsupportedOperationException();
  }

  @Override
  public CompletableFuture<LeaseGrantResponse> leaseGrant(LeaseGrantRequest request) {
    throw new UnsupportedOperationException();
  }

  @Override
  public CompletableFuture<LeaseRevokeResponse> leaseRevoke(LeaseRevokeRequest request) {
    throw new UnsupportedOperationException();
  }

  @Override
  public CompletableFuture<LeaseKeepAliveResponse> leaseKeepAlive(LeaseKeepAliveRequest request) {
    throw new UnsupportedOperationException();
  }

  @Override
  public CompletableFuture<LeaseTimeToLiveResponse> leaseTimeToLive(LeaseTimeToLiveRequest request) {
    throw new UnsupportedOperationException();
  }

  @Override
  public CompletableFuture<LeaseLeasesResponse> leaseLeases() {
    throw new UnsupportedOperationException();
  }
}
