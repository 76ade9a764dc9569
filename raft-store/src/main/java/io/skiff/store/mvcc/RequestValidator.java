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
    checkTxn(r);
    checkDuplicates(r.getSuccessList());
    checkDuplicates(r.getFailureList());
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

  private void checkTxn(TxnRequest r) {
    if (r.getCompareCount() > maxTxnOps || r.getSuccessCount() > maxTxnOps || r.getFailureCount() > maxTxnOps) {
      throw StoreException.tooManyOps();
    }
    for (Compare c : r.getCompareList()) {
      requireKey(c.getKey());
    }
    checkOps(r.getSuccessList());
    checkOps(r.getFailureList());
  }

  private void checkOps(List<RequestOp> ops) {
    for (RequestOp op : ops) {
      switch (op.getRequestCase()) {
        case REQUEST_RANGE -> requireKey(op.getRequestRange().getKey());
        case REQUEST_PUT -> checkPut(op.getRequestPut());
        case REQUEST_DELETE_RANGE -> requireKey(op.getRequestDeleteRange().getKey());
        case REQUEST_TXN -> checkTxn(op.getRequestTxn());
        default -> throw new StoreException(io.skiff.store.ErrorCode.INVALID_ARGUMENT,
            "etcdserver: empty request in txn");
      }
    }
  }

  /** The keys one branch writes: puts by key, deletes by range. */
  private record Writes(List<KeyRange> deletes, Set<ByteString> puts) {
    Writes() {
      this(new ArrayList<>(), new HashSet<>());
    }
  }

  /** etcd's rule: within one branch path no key is put twice, nor put and deleted. */
  private static void checkDuplicates(List<RequestOp> ops) {
    Writes writes = collect(ops);
    for (ByteString key : writes.puts()) {
      for (KeyRange deleted : writes.deletes()) {
        if (deleted.contains(key)) {
          throw StoreException.duplicateKey();
        }
      }
    }
  }

  private static Writes collect(List<RequestOp> ops) {
    Writes writes = new Writes();
    for (RequestOp op : ops) {
      switch (op.getRequestCase()) {
        case REQUEST_PUT -> {
          if (!writes.puts().add(op.getRequestPut().getKey())) {
            throw StoreException.duplicateKey();
          }
        }
        case REQUEST_DELETE_RANGE -> writes.deletes().add(
            KeyRange.of(op.getRequestDeleteRange().getKey(), op.getRequestDeleteRange().getRangeEnd()));
        case REQUEST_TXN -> {
          // only one of a nested txn's branches runs, but either may clash with this level
          Writes success = collect(op.getRequestTxn().getSuccessList());
          Writes failure = collect(op.getRequestTxn().getFailureList());
          Set<ByteString> nestedPuts = new HashSet<>(success.puts());
          nestedPuts.addAll(failure.puts());
          for (ByteString key : nestedPuts) {
            if (writes.puts().contains(key)) {
              throw StoreException.duplicateKey();
            }
          }
          writes.puts().addAll(nestedPuts);
          writes.deletes().addAll(success.deletes());
          writes.deletes().addAll(failure.deletes());
        }
        default -> { }
      }
    }
    return writes;
  }
}
