package io.skiff.store.mvcc;

import com.google.protobuf.ByteString;
import io.skiff.proto.etcd.Compare;
import io.skiff.proto.etcd.DeleteRangeRequest;
import io.skiff.proto.etcd.LeaseGrantRequest;
import io.skiff.proto.etcd.PutRequest;
import io.skiff.proto.etcd.RangeRequest;
import io.skiff.proto.etcd.RequestOp;
import io.skiff.proto.etcd.TxnRequest;
import io.skiff.store.StoreException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The checks etcd makes before a request reaches the log: they need no state, so
 * a refused request is never replicated. Thread-safe (immutable).
 */
public final class RequestValidator {
  /** etcd's largest lease TTL, in seconds. */
  public static final long MAX_LEASE_TTL_SECONDS = 9_000_000_000L;

  private final int maxTxnOps;
  private final int maxRequestBytes;

  public RequestValidator(int maxTxnOps, int maxRequestBytes) {
    this.maxTxnOps = maxTxnOps;
    this.maxRequestBytes = maxRequestBytes;
  }

  public void checkSize(com.google.protobuf.MessageLite request) {
    if (request.getSerializedSize() > maxRequestBytes) {
      throw StoreException.requestTooLarge();
    }
  }

  public void check(RangeRequest r) {
    checkSize(r);
    requireKey(r.getKey());
  }

  public void check(PutRequest r) {
    checkSize(r);
    checkPut(r);
  }

  public void check(DeleteRangeRequest r) {
    checkSize(r);
    requireKey(r.getKey());
  }

  public void check(TxnRequest r) {
    checkSize(r);
    checkTxn(r, maxTxnOps);
    checkIntervals(r.getSuccessList());
    checkIntervals(r.getFailureList());
  }

  /** True if the txn cannot write on any branch, so it may be served as a read. */
  public static boolean isReadOnly(TxnRequest r) {
    return TxnApplier.isReadOnly(r);
  }

  public void check(LeaseGrantRequest r) {
    if (r.getTTL() > MAX_LEASE_TTL_SECONDS) {
      throw StoreException.leaseTtlTooLarge();
    }
  }

  private static void requireKey(ByteString key) {
    if (key.isEmpty()) {
      throw StoreException.emptyKey();
    }
  }

  private static void checkPut(PutRequest r) {
    requireKey(r.getKey());
    if (r.getIgnoreValue() && !r.getValue().isEmpty()) {
      throw StoreException.valueProvided();
    }
    if (r.getIgnoreLease() && r.getLease() != 0) {
      throw StoreException.leaseProvided();
    }
  }

  /** As etcd: a nested txn may hold only what its parent left of the budget, {@code maxOps} less the parent's ops. */
  private static void checkTxn(TxnRequest r, int maxOps) {
    int ops = Math.max(r.getCompareCount(), Math.max(r.getSuccessCount(), r.getFailureCount()));
    if (ops > maxOps) {
      throw StoreException.tooManyOps();
    }
    for (Compare c : r.getCompareList()) {
      requireKey(c.getKey());
    }
    checkOps(r.getSuccessList(), maxOps - ops);
    checkOps(r.getFailureList(), maxOps - ops);
  }

  private static void checkOps(List<RequestOp> ops, int nestedMaxOps) {
    for (RequestOp op : ops) {
      switch (op.getRequestCase()) {
        case REQUEST_RANGE -> requireKey(op.getRequestRange().getKey());
        case REQUEST_PUT -> checkPut(op.getRequestPut());
        case REQUEST_DELETE_RANGE -> requireKey(op.getRequestDeleteRange().getKey());
        case REQUEST_TXN -> checkTxn(op.getRequestTxn(), nestedMaxOps);
        default -> throw StoreException.keyNotFound(); // etcd's answer to an empty op
      }
    }
  }

  /** The keys one branch writes: puts by key, deletes by range. */
  private record Writes(Set<ByteString> puts, List<KeyRange> deletes) {
  }

  /**
   * etcd's checkIntervals: on one branch path no key is put twice, nor put where this level,
   * or a nested txn before the put, deletes it. The two branches of a nested txn never both
   * run, so they may put the same key, and one may delete what the other puts. As in etcd, a
   * put in a nested txn is not checked against deletes in later sibling txns (the key is then
   * put and deleted at one revision). Unlike etcd, a range end of "\0" is unbounded here as
   * everywhere else: etcd's check takes it for an empty range and lets such a put through.
   */
  private static Writes checkIntervals(List<RequestOp> ops) {
    List<KeyRange> deletes = new ArrayList<>();
    for (RequestOp op : ops) {
      if (op.hasRequestDeleteRange()) {
        deletes.add(KeyRange.of(op.getRequestDeleteRange().getKey(), op.getRequestDeleteRange().getRangeEnd()));
      }
    }
    Set<ByteString> puts = new HashSet<>();
    for (RequestOp op : ops) {
      if (!op.hasRequestTxn()) {
        continue;
      }
      Writes then = checkIntervals(op.getRequestTxn().getSuccessList());
      Writes otherwise = checkIntervals(op.getRequestTxn().getFailureList());
      for (ByteString key : then.puts()) {
        if (puts.contains(key) || deleted(deletes, key)) {
          throw StoreException.duplicateKey();
        }
        puts.add(key);
      }
      for (ByteString key : otherwise.puts()) {
        if ((puts.contains(key) && !then.puts().contains(key)) || deleted(deletes, key)) {
          throw StoreException.duplicateKey();
        }
        puts.add(key);
      }
      deletes.addAll(then.deletes());
      deletes.addAll(otherwise.deletes());
    }
    for (RequestOp op : ops) {
      if (op.hasRequestPut()) {
        ByteString key = op.getRequestPut().getKey();
        if (!puts.add(key) || deleted(deletes, key)) {
          throw StoreException.duplicateKey();
        }
      }
    }
    return new Writes(puts, deletes);
  }

  private static boolean deleted(List<KeyRange> deletes, ByteString key) {
    for (KeyRange range : deletes) {
      if (range.contains(key)) {
        return true;
      }
    }
    return false;
  }
}
