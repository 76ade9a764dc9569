package io.skiff.store.mvcc;

import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Leases and the keys attached to them. Deadlines are absolute wall-clock
 * milliseconds taken from log entries (never from the local clock while
 * applying), so all replicas agree and a lease keeps its remaining time across a
 * leader change. Not thread-safe; guarded by the owning {@link MvccStore}.
 */
final class LeaseTable {
  /** A granted lease; {@code keys} keeps attachment order for stable output. */
  static final class Lease {
    final long id;
    final long grantedTtlSeconds;
    long deadlineMillis;
    final Set<ByteString> keys = new LinkedHashSet<>();

    Lease(long id, long grantedTtlSeconds, long deadlineMillis) {
      this.id = id;
      this.grantedTtlSeconds = grantedTtlSeconds;
      this.deadlineMillis = deadlineMillis;
    }
  }

  private final Map<Long, Lease> leases = new HashMap<>();

  Lease get(long id) {
    return leases.get(id);
  }

  Lease add(long id, long ttlSeconds, long deadlineMillis) {
    Lease lease = new Lease(id, ttlSeconds, deadlineMillis);
    leases.put(id, lease);
    return lease;
  }

  Lease remove(long id) {
    return leases.remove(id);
  }

  Collection<Lease> all() {
    return leases.values();
  }

  void attach(long id, ByteString key) {
    Lease lease = leases.get(id);
    if (lease != null) {
      lease.keys.add(key);
    }
  }

  void detach(long id, ByteString key) {
    Lease lease = leases.get(id);
    if (lease != null) {
      lease.keys.remove(key);
    }
  }

  /** Leases whose deadline is at or before {@code nowMillis}. */
  List<Long> expired(long nowMillis) {
    List<Long> ids = new ArrayList<>();
    for (Lease lease : leases.values()) {
      if (lease.deadlineMillis <= nowMillis) {
        ids.add(lease.id);
      }
    }
    return ids;
  }

  void clear() {
    leases.clear();
  }
}
