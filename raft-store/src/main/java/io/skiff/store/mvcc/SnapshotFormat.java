package io.skiff.store.mvcc;

import io.skiff.proto.store.KeyVersion;
import io.skiff.proto.store.LeaseRecord;
import io.skiff.proto.store.SnapshotHeader;
import io.skiff.proto.store.SnapshotRecord;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The snapshot file: a {@link SnapshotHeader}, then the leases, then every
 * retained key version by revision, each revision's in the order they were
 * written (so per key oldest first), all length-delimited protobuf. The history
 * and its order are kept so watchers on a restored replica replay it as the
 * other replicas do.
 */
final class SnapshotFormat {
  private SnapshotFormat() {
  }

  static void write(MvccStore store, OutputStream out) throws IOException {
    List<KeyHistory.Version> versions = store.allVersions();
    SnapshotHeader.newBuilder()
        .setRevision(store.revision())
        .setCompactRevision(store.compactRevision())
        .setKeyVersions(versions.size())
        .setLeases(store.leases.all().size())
        .build().writeDelimitedTo(out);
    for (LeaseTable.Lease lease : store.leases.all()) {
      SnapshotRecord.newBuilder().setLease(LeaseRecord.newBuilder()
          .setID(lease.id)
          .setGrantedTtlSeconds(lease.grantedTtlSeconds)
          .setDeadlineUnixMillis(lease.deadlineMillis)).build().writeDelimitedTo(out);
    }
    for (KeyHistory.Version v : versions) {
      SnapshotRecord.newBuilder().setKeyVersion(KeyVersion.newBuilder()
          .setKv(v.kv()).setDeleted(v.tombstone())).build().writeDelimitedTo(out);
    }
  }

  static void read(InputStream in, MvccStore store) throws IOException {
    SnapshotHeader header = SnapshotHeader.parseDelimitedFrom(in);
    if (header == null) {
      throw new IOException("snapshot is empty");
    }
    // read everything before touching the store: a truncated file must leave it as it was
    List<LeaseRecord> leases = new ArrayList<>();
    for (long i = 0; i < header.getLeases(); i++) {
      leases.add(next(in).getLease());
    }
    List<KeyHistory.Version> versions = new ArrayList<>((int) Math.min(header.getKeyVersions(), 1 << 20));
    for (long i = 0; i < header.getKeyVersions(); i++) {
      KeyVersion v = next(in).getKeyVersion();
      versions.add(new KeyHistory.Version(v.getKv(), v.getDeleted()));
    }
    store.leases.clear();
    for (LeaseRecord lease : leases) {
      store.leases.add(lease.getID(), lease.getGrantedTtlSeconds(), lease.getDeadlineUnixMillis());
    }
    store.restore(header.getRevision(), header.getCompactRevision(), versions);
  }

  private static SnapshotRecord next(InputStream in) throws IOException {
    SnapshotRecord record = SnapshotRecord.parseDelimitedFrom(in);
    if (record == null) {
      throw new IOException("snapshot is truncated");
    }
    return record;
  }
}
