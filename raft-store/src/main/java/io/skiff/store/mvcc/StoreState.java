package io.skiff.store.mvcc;

import io.skiff.proto.etcd.CompactionResponse;
import io.skiff.proto.etcd.LeaseGrantRequest;
import io.skiff.proto.etcd.LeaseGrantResponse;
import io.skiff.proto.etcd.LeaseKeepAliveResponse;
import io.skiff.proto.etcd.LeaseLeasesResponse;
import io.skiff.proto.etcd.LeaseRevokeResponse;
import io.skiff.proto.etcd.LeaseStatus;
import io.skiff.proto.etcd.LeaseTimeToLiveRequest;
import io.skiff.proto.etcd.LeaseTimeToLiveResponse;
import io.skiff.proto.etcd.WatchCreateRequest;
import io.skiff.proto.store.LeaseExpireResponse;
import io.skiff.proto.store.LogEntry;
import io.skiff.proto.store.LogEntryResult;
import io.skiff.proto.store.StoreError;
import io.skiff.proto.store.StoreRequest;
import io.skiff.proto.store.StoreResponse;
import io.skiff.store.ErrorCode;
import io.skiff.store.StoreException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The state every replica holds — the MVCC key space, its leases and its
 * watchers — and the only way in: {@link #apply} for log entries, {@link #query}
 * for reads, {@link #watch}. Thread-safe: one writer (the apply thread) excludes
 * readers through a read-write lock; readers run in parallel.
 */
public final class StoreState implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(StoreState.class);

  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private final MvccStore mvcc;
  private final TxnApplier txns;
  private final WatchHub watchHub;

  public StoreState(long quotaBytes, Duration progressInterval) {
    this.mvcc = new MvccStore(quotaBytes);
    this.txns = new TxnApplier(mvcc);
    this.watchHub = new WatchHub(mvcc, lock, progressInterval);
    mvcc.setListener(watchHub::onRevision);
    watchHub.start();
  }

  /** Applies one log entry: each request in turn, each succeeding or failing on its own. */
  public LogEntryResult apply(LogEntry entry) {
    LogEntryResult.Builder result = LogEntryResult.newBuilder();
    lock.writeLock().lock();
    try {
      for (StoreRequest request : entry.getRequestsList()) {
        result.addResponses(applyOne(request, entry.getNowUnixMillis()));
      }
    } finally {
      lock.writeLock().unlock();
    }
    return result.build();
  }

  private StoreResponse applyOne(StoreRequest request, long now) {
    StoreResponse.Builder resp = StoreResponse.newBuilder();
    try {
      switch (request.getRequestCase()) {
        case PUT -> resp.setPut(mvcc.put(request.getPut()));
        case DELETE_RANGE -> resp.setDeleteRange(mvcc.deleteRange(request.getDeleteRange()));
        case TXN -> resp.setTxn(txns.apply(request.getTxn()));
        case COMPACTION -> {
          mvcc.compact(request.getCompaction());
          resp.setCompaction(CompactionResponse.newBuilder().setHeader(MvccStore.header(mvcc.revision())));
        }
        case LEASE_GRANT -> resp.setLeaseGrant(grant(request.getLeaseGrant(), now));
        case LEASE_REVOKE -> {
          mvcc.leaseRevoke(request.getLeaseRevoke().getID());
          resp.setLeaseRevoke(LeaseRevokeResponse.newBuilder().setHeader(MvccStore.header(mvcc.revision())));
        }
        case LEASE_KEEP_ALIVE -> {
          long id = request.getLeaseKeepAlive().getID();
          resp.setLeaseKeepAlive(LeaseKeepAliveResponse.newBuilder()
              .setHeader(MvccStore.header(mvcc.revision()))
              .setID(id)
              .setTTL(mvcc.leaseKeepAlive(id, now)));
        }
        case LEASE_EXPIRE -> resp.setLeaseExpire(LeaseExpireResponse.newBuilder()
            .setExpired(mvcc.leaseExpire(request.getLeaseExpire().getID(), now)));
        default -> throw new StoreException(ErrorCode.INVALID_ARGUMENT,
            "etcdserver: not a write request: " + request.getRequestCase());
      }
    } catch (StoreException e) {
      resp.setError(error(e));
    } catch (RuntimeException e) {
      // a bug, not bad input: every replica hits it alike, so answer it rather than stop applying
      log.error("applying {} failed", request.getRequestCase(), e);
      resp.setError(error(new StoreException(ErrorCode.INTERNAL, "etcdserver: internal error: " + e)));
    }
    return resp.build();
  }

  private LeaseGrantResponse grant(LeaseGrantRequest r, long now) {
    mvcc.leaseGrant(r.getID(), r.getTTL(), now + r.getTTL() * 1000);
    return LeaseGrantResponse.newBuilder()
        .setHeader(MvccStore.header(mvcc.revision()))
        .setID(r.getID())
        .setTTL(r.getTTL())
        .build();
  }

  /** Serves a read-only request from local state. */
  public StoreResponse query(StoreRequest request, long nowMillis) {
    StoreResponse.Builder resp = StoreResponse.newBuilder();
    lock.readLock().lock();
    try {
      switch (request.getRequestCase()) {
        case RANGE -> resp.setRange(mvcc.range(request.getRange()));
        case TXN -> {
          if (!TxnApplier.isReadOnly(request.getTxn())) {
            throw new StoreException(ErrorCode.INVALID_ARGUMENT, "etcdserver: a txn that writes is not a read");
          }
          resp.setTxn(txns.apply(request.getTxn()));
        }
        case LEASE_TIME_TO_LIVE -> resp.setLeaseTimeToLive(timeToLive(request.getLeaseTimeToLive(), nowMillis));
        case READ_BARRIER -> { } // nothing to read: the caller only waits for this replica to catch up
        case LEASE_LEASES -> {
          LeaseLeasesResponse.Builder leases = LeaseLeasesResponse.newBuilder()
              .setHeader(MvccStore.header(mvcc.revision()));
          mvcc.leases.all().forEach(l -> leases.addLeases(LeaseStatus.newBuilder().setID(l.id)));
          resp.setLeaseLeases(leases);
        }
        default -> throw new StoreException(ErrorCode.INVALID_ARGUMENT,
            "etcdserver: not a read request: " + request.getRequestCase());
      }
    } catch (StoreException e) {
      resp.setError(error(e));
    } catch (RuntimeException e) {
      log.error("query {} failed", request.getRequestCase(), e);
      resp.setError(error(new StoreException(ErrorCode.INTERNAL, "etcdserver: internal error: " + e)));
    } finally {
      lock.readLock().unlock();
    }
    return resp.build();
  }

  private LeaseTimeToLiveResponse timeToLive(LeaseTimeToLiveRequest r, long nowMillis) {
    LeaseTimeToLiveResponse.Builder resp = LeaseTimeToLiveResponse.newBuilder()
        .setHeader(MvccStore.header(mvcc.revision()))
        .setID(r.getID());
    LeaseTable.Lease lease = mvcc.leases.get(r.getID());
    if (lease == null) {
      return resp.setTTL(-1).build(); // etcd answers a missing lease with TTL -1, not an error
    }
    resp.setTTL(Math.max(0, (lease.deadlineMillis - nowMillis) / 1000)).setGrantedTTL(lease.grantedTtlSeconds);
    if (r.getKeys()) {
      lease.keys.forEach(resp::addKeys);
    }
    return resp.build();
  }

  public Watcher watch(WatchCreateRequest request, WatchSink sink) {
    return watchHub.watch(request, sink);
  }

  public WatchHub watchHub() {
    return watchHub;
  }

  /** Leases past their deadline at {@code nowMillis}; the leader proposes their expiry. */
  public List<Long> expiredLeases(long nowMillis) {
    return read(() -> mvcc.leases.expired(nowMillis));
  }

  public long revision() {
    return read(mvcc::revision);
  }

  public long sizeBytes() {
    return read(mvcc::sizeBytes);
  }

  private <T> T read(java.util.function.Supplier<T> reader) {
    lock.readLock().lock();
    try {
      return reader.get();
    } finally {
      lock.readLock().unlock();
    }
  }

  /** Writes a consistent snapshot and returns its revision; applies wait meanwhile, reads go on. */
  public long writeSnapshot(OutputStream out) throws IOException {
    lock.readLock().lock();
    try {
      SnapshotFormat.write(mvcc, out);
      return mvcc.revision();
    } finally {
      lock.readLock().unlock();
    }
  }

  /** Replaces the whole state with a snapshot's; watchers then catch up from its history. */
  public void readSnapshot(InputStream in) throws IOException {
    lock.writeLock().lock();
    try {
      SnapshotFormat.read(in, mvcc);
      watchHub.resync();
      log.info("state restored from snapshot at revision {}", mvcc.revision());
    } finally {
      lock.writeLock().unlock();
    }
  }

  static StoreError error(StoreException e) {
    return StoreError.newBuilder().setCode(e.code().grpcCode).setMessage(e.getMessage()).build();
  }

  @Override
  public void close() {
    watchHub.close();
  }
}
