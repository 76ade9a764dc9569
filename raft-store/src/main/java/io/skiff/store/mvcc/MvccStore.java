package io.skiff.store.mvcc;

import com.google.protobuf.ByteString;
import io.skiff.proto.etcd.CompactionRequest;
import io.skiff.proto.etcd.DeleteRangeRequest;
import io.skiff.proto.etcd.DeleteRangeResponse;
import io.skiff.proto.etcd.PutRequest;
import io.skiff.proto.etcd.PutResponse;
import io.skiff.proto.etcd.RangeRequest;
import io.skiff.proto.etcd.RangeResponse;
import io.skiff.proto.etcd.ResponseHeader;
import io.skiff.proto.mvcc.KeyValue;
import io.skiff.store.StoreException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The multi-version key space, as etcd's mvcc package: one global revision that
 * every write advances by one, and per key the versions written since the last
 * compaction. Plain Java, deterministic, no Raft: the replicated state machine
 * applies log entries to it in order.
 *
 * <p>Not thread-safe: one writer at a time, and readers excluded while it writes
 * (the owner, {@link StoreState}, holds a read-write lock).
 */
public final class MvccStore {
  /** An empty store is at revision 1, so the first write is revision 2, as in etcd. */
  static final long INITIAL_REVISION = 1;

  private final TreeMap<ByteString, KeyHistory> keys = new TreeMap<>(KeyRange.ORDER);
  /** revision -> versions written at it, for watchers catching up; none older than the compaction. */
  private final TreeMap<Long, List<KeyHistory.Version>> changes = new TreeMap<>();
  final LeaseTable leases = new LeaseTable();
  private final long quotaBytes;
  private RevisionListener listener = (revision, written) -> { };

  private long revision = INITIAL_REVISION;
  private long compactRevision = 0;
  private long sizeBytes = 0;

  public MvccStore(long quotaBytes) {
    this.quotaBytes = quotaBytes;
  }

  public void setListener(RevisionListener listener) {
    this.listener = listener;
  }

  public long revision() {
    return revision;
  }

  public long compactRevision() {
    return compactRevision;
  }

  /** Approximate bytes held: every retained key version. */
  public long sizeBytes() {
    return sizeBytes;
  }

  // ---------------------------------------------------------------- writes

  /**
   * A write in progress: everything it writes gets revision {@code revision + 1};
   * committing advances the store's revision only if something was written.
   */
  final class Write {
    final long mainRevision = revision + 1;
    final List<KeyHistory.Version> written = new ArrayList<>();

    /** The revision reads inside this write see: its own writes included. */
    long readRevision() {
      return written.isEmpty() ? revision : mainRevision;
    }

    void commit() {
      if (written.isEmpty()) {
        return;
      }
      revision = mainRevision;
      List<KeyHistory.Version> committed = Collections.unmodifiableList(written);
      changes.put(mainRevision, committed);
      listener.onRevision(mainRevision, committed);
    }
  }

  Write begin() {
    return new Write();
  }

  public PutResponse put(PutRequest r) {
    checkPut(r);
    Write w = begin();
    PutResponse resp = applyPut(w, r);
    w.commit();
    return resp.toBuilder().setHeader(header(revision)).build();
  }

  public DeleteRangeResponse deleteRange(DeleteRangeRequest r) {
    Write w = begin();
    DeleteRangeResponse resp = applyDelete(w, r.getKey(), r.getRangeEnd(), r.getPrevKv());
    w.commit();
    return resp.toBuilder().setHeader(header(revision)).build();
  }

  public void compact(CompactionRequest r) {
    long rev = r.getRevision();
    if (rev <= compactRevision) {
      throw StoreException.compacted();
    }
    if (rev > revision) {
      throw StoreException.futureRevision();
    }
    var it = keys.values().iterator();
    while (it.hasNext()) {
      KeyHistory h = it.next();
      sizeBytes -= h.compact(rev);
      if (h.isEmpty()) {
        it.remove();
      }
    }
    changes.headMap(rev, false).clear();
    // at the compaction revision itself keep only the versions the keys still hold: a tombstone
    // there is dropped (as etcd drops it), and snapshots, made from the histories, replay the same
    List<KeyHistory.Version> atRev = changes.get(rev);
    if (atRev != null) {
      List<KeyHistory.Version> kept = atRev.stream().filter(this::retained).toList();
      if (kept.isEmpty()) {
        changes.remove(rev);
      } else {
        changes.put(rev, kept);
      }
    }
    compactRevision = rev;
  }

  /** After a compaction, true if {@code v} (written at the compaction revision) is still in its key's history. */
  private boolean retained(KeyHistory.Version v) {
    KeyHistory h = keys.get(v.kv().getKey());
    return h != null && !h.isEmpty() && h.versions().get(0) == v;
  }

  /** Stateful checks of a put, made before anything is written. */
  void checkPut(PutRequest r) {
    if (r.getIgnoreValue() || r.getIgnoreLease()) {
      if (live(r.getKey()) == null) {
        throw StoreException.keyNotFound();
      }
    }
    if (!r.getIgnoreLease() && r.getLease() != 0 && leases.get(r.getLease()) == null) {
      throw StoreException.leaseNotFound();
    }
    if (sizeBytes + r.getKey().size() + r.getValue().size() > quotaBytes) {
      throw StoreException.noSpace();
    }
  }

  PutResponse applyPut(Write w, PutRequest r) {
    ByteString key = r.getKey();
    KeyHistory history = keys.computeIfAbsent(key, k -> new KeyHistory());
    KeyValue prev = history.live();
    long lease = r.getIgnoreLease() ? prev.getLease() : r.getLease();
    ByteString value = r.getIgnoreValue() ? prev.getValue() : r.getValue();
    KeyValue kv = KeyValue.newBuilder()
        .setKey(key)
        .setValue(value)
        .setLease(lease)
        .setCreateRevision(prev == null ? w.mainRevision : prev.getCreateRevision())
        .setModRevision(w.mainRevision)
        .setVersion(prev == null ? 1 : prev.getVersion() + 1)
        .build();
    append(w, history, new KeyHistory.Version(kv, false));
    if (prev != null && prev.getLease() != lease) {
      leases.detach(prev.getLease(), key);
    }
    if (lease != 0) {
      leases.attach(lease, key);
    }
    PutResponse.Builder resp = PutResponse.newBuilder();
    if (r.getPrevKv() && prev != null) {
      resp.setPrevKv(prev);
    }
    return resp.build();
  }

  DeleteRangeResponse applyDelete(Write w, ByteString key, ByteString rangeEnd, boolean wantPrev) {
    DeleteRangeResponse.Builder resp = DeleteRangeResponse.newBuilder();
    List<KeyValue> victims = new ArrayList<>();
    for (KeyHistory h : histories(KeyRange.of(key, rangeEnd)).values()) {
      KeyValue live = h.live();
      if (live != null) {
        victims.add(live);
      }
    }
    for (KeyValue prev : victims) {
      deleteKey(w, prev);
      if (wantPrev) {
        resp.addPrevKvs(prev);
      }
    }
    return resp.setDeleted(victims.size()).build();
  }

  private void deleteKey(Write w, KeyValue prev) {
    KeyValue tombstone = KeyValue.newBuilder().setKey(prev.getKey()).setModRevision(w.mainRevision).build();
    append(w, keys.get(prev.getKey()), new KeyHistory.Version(tombstone, true));
    if (prev.getLease() != 0) {
      leases.detach(prev.getLease(), prev.getKey());
    }
  }

  private void append(Write w, KeyHistory history, KeyHistory.Version v) {
    history.append(v);
    w.written.add(v);
    sizeBytes += KeyHistory.sizeOf(v);
  }

  // ---------------------------------------------------------------- leases

  /** Grants a lease expiring at {@code deadlineMillis}; the ID was chosen by the proposer. */
  public void leaseGrant(long id, long ttlSeconds, long deadlineMillis) {
    if (leases.get(id) != null) {
      throw StoreException.leaseExists();
    }
    leases.add(id, ttlSeconds, deadlineMillis);
  }

  /** Revokes a lease and deletes its keys, all in one revision. */
  public void leaseRevoke(long id) {
    LeaseTable.Lease lease = leases.get(id);
    if (lease == null) {
      throw StoreException.leaseNotFound();
    }
    Write w = begin();
    for (ByteString key : List.copyOf(lease.keys)) {
      KeyValue live = live(key);
      if (live != null) {
        deleteKey(w, live);
      }
    }
    leases.remove(id);
    w.commit();
  }

  /** Renews a lease to a full TTL from {@code nowMillis}; returns the TTL, or 0 if the lease is gone. */
  public long leaseKeepAlive(long id, long nowMillis) {
    LeaseTable.Lease lease = leases.get(id);
    if (lease == null) {
      return 0;
    }
    lease.deadlineMillis = nowMillis + lease.grantedTtlSeconds * 1000;
    return lease.grantedTtlSeconds;
  }

  /** Revokes the lease if its deadline has passed by {@code nowMillis}; true if it did. */
  public boolean leaseExpire(long id, long nowMillis) {
    LeaseTable.Lease lease = leases.get(id);
    if (lease == null || lease.deadlineMillis > nowMillis) {
      return false;
    }
    leaseRevoke(id);
    return true;
  }

  // ---------------------------------------------------------------- reads

  public RangeResponse range(RangeRequest r) {
    return range(r, revision).toBuilder().setHeader(header(revision)).build();
  }

  /** A range read as of {@code current}, the newest revision visible to the caller. */
  RangeResponse range(RangeRequest r, long current) {
    long rev = r.getRevision() <= 0 ? current : r.getRevision();
    if (rev > current) {
      throw StoreException.futureRevision();
    }
    if (rev < compactRevision) {
      throw StoreException.compacted();
    }
    RangeSelection selection = new RangeSelection(r);
    for (KeyHistory h : histories(KeyRange.of(r.getKey(), r.getRangeEnd())).values()) {
      KeyValue kv = h.liveAt(rev);
      if (kv != null) {
        selection.offer(kv);
      }
    }
    return selection.response();
  }

  KeyValue live(ByteString key) {
    KeyHistory h = keys.get(key);
    return h == null ? null : h.live();
  }

  /** The live value of {@code key} as of {@code rev}, or null; used for a watcher's prev_kv. */
  KeyValue liveAt(ByteString key, long rev) {
    KeyHistory h = keys.get(key);
    return h == null ? null : h.liveAt(rev);
  }

  NavigableMap<ByteString, KeyHistory> histories(KeyRange range) {
    if (range.isSingleKey()) {
      KeyHistory h = keys.get(range.start());
      if (h == null) {
        return Collections.emptyNavigableMap();
      }
      TreeMap<ByteString, KeyHistory> one = new TreeMap<>(KeyRange.ORDER); // ByteString is not Comparable
      one.put(range.start(), h);
      return one;
    }
    if (range.isUnbounded()) {
      return keys.tailMap(range.start(), true);
    }
    if (KeyRange.ORDER.compare(range.start(), range.end()) >= 0) {
      return Collections.emptyNavigableMap();
    }
    return keys.subMap(range.start(), true, range.end(), false);
  }

  /** Versions written in revisions {@code [from, to]}, by revision; for watchers catching up. */
  NavigableMap<Long, List<KeyHistory.Version>> changes(long from, long to) {
    return changes.subMap(from, true, to, true);
  }

  /**
   * Every retained key version for a snapshot: by revision, and within a revision in the order
   * it was written (which watchers see), so per key oldest first.
   */
  List<KeyHistory.Version> allVersions() {
    List<KeyHistory.Version> all = new ArrayList<>();
    keys.values().forEach(h -> all.addAll(h.versions()));
    Map<KeyHistory.Version, Integer> writeOrder = new IdentityHashMap<>();
    for (List<KeyHistory.Version> written : changes.values()) {
      for (int i = 0; i < written.size(); i++) {
        writeOrder.put(written.get(i), i);
      }
    }
    // stable: versions with no change entry (below the compaction) keep key order
    all.sort(Comparator.comparingLong(KeyHistory.Version::modRevision)
        .thenComparingInt(v -> writeOrder.getOrDefault(v, Integer.MAX_VALUE)));
    return all;
  }

  /**
   * Rebuilds a store from a snapshot's key versions, given as {@link #allVersions} lists them
   * (per key oldest first, each revision in write order); leases must be restored first.
   */
  void restore(long restoredRevision, long restoredCompactRevision, List<KeyHistory.Version> versions) {
    keys.clear();
    changes.clear();
    sizeBytes = 0;
    for (KeyHistory.Version v : versions) {
      keys.computeIfAbsent(v.kv().getKey(), k -> new KeyHistory()).append(v);
      changes.computeIfAbsent(v.modRevision(), r -> new ArrayList<>()).add(v);
      sizeBytes += KeyHistory.sizeOf(v);
    }
    for (KeyHistory h : keys.values()) {
      KeyValue live = h.live();
      if (live != null && live.getLease() != 0) {
        leases.attach(live.getLease(), live.getKey());
      }
    }
    // each revision's list is in the order given: the order it was written in
    changes.replaceAll((rev, list) -> Collections.unmodifiableList(list));
    revision = restoredRevision;
    compactRevision = restoredCompactRevision;
  }

  static ResponseHeader header(long revision) {
    return ResponseHeader.newBuilder().setRevision(revision).build();
  }
}
