package io.skiff.store.mvcc;

import io.skiff.proto.mvcc.KeyValue;
import java.util.ArrayList;
import java.util.List;

/**
 * Every retained version of one key, oldest first. A deletion is a tombstone
 * version. Invariant: mod revisions never decrease along the list; a key is
 * written at most once per revision, except that a txn may put it in one nested
 * txn and delete it in a later one (as etcd allows), leaving a put and then a
 * tombstone at the same revision. Not thread-safe; guarded by the owner.
 */
final class KeyHistory {
  /** One version of a key; {@code kv} of a tombstone holds only key and mod_revision. */
  record Version(KeyValue kv, boolean tombstone) {
    long modRevision() {
      return kv.getModRevision();
    }
  }

  private final ArrayList<Version> versions = new ArrayList<>(2);

  void append(Version v) {
    versions.add(v);
  }

  boolean isEmpty() {
    return versions.isEmpty();
  }

  List<Version> versions() {
    return versions;
  }

  /** The newest version, tombstone or not; null when empty. */
  Version latest() {
    return versions.isEmpty() ? null : versions.get(versions.size() - 1);
  }

  /** The live value as of {@code revision}, or null if absent or deleted then. */
  KeyValue liveAt(long revision) {
    int i = indexAt(revision);
    if (i < 0) {
      return null;
    }
    Version v = versions.get(i);
    return v.tombstone() ? null : v.kv();
  }

  /** The live value now, or null. */
  KeyValue live() {
    Version v = latest();
    return v == null || v.tombstone() ? null : v.kv();
  }

  /** The version written exactly at {@code revision}, or null. */
  Version writtenAt(long revision) {
    int i = indexAt(revision);
    return i >= 0 && versions.get(i).modRevision() == revision ? versions.get(i) : null;
  }

  /** Index of the newest version with mod_revision <= revision, or -1. */
  private int indexAt(long revision) {
    int lo = 0;
    int hi = versions.size() - 1;
    int found = -1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      if (versions.get(mid).modRevision() <= revision) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }

  /**
   * Drops what a compaction at {@code revision} makes unreachable: every version
   * older than the newest one at or below {@code revision}, and that one too if
   * it is a tombstone. Returns the bytes freed.
   */
  long compact(long revision) {
    int keepFrom = indexAt(revision);
    if (keepFrom < 0) {
      return 0;
    }
    if (versions.get(keepFrom).tombstone()) {
      keepFrom++;
    }
    long freed = 0;
    for (int i = 0; i < keepFrom; i++) {
      freed += sizeOf(versions.get(i));
    }
    versions.subList(0, keepFrom).clear();
    return freed;
  }

  static long sizeOf(Version v) {
    // key and value bytes plus the revision fields, as a rough on-disk size
    return v.kv().getKey().size() + v.kv().getValue().size() + 32;
  }
}
