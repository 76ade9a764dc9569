package io.skiff.store.mvcc;

import io.skiff.proto.etcd.Compare;
import io.skiff.proto.etcd.RangeRequest;
import io.skiff.proto.etcd.RequestOp;
import io.skiff.proto.etcd.ResponseOp;
import io.skiff.proto.etcd.TxnRequest;
import io.skiff.proto.etcd.TxnResponse;
import io.skiff.proto.mvcc.KeyValue;
import io.skiff.store.StoreException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.List;

/**
 * Applies a transaction as etcd does: every compare, nested ones included, is
 * evaluated against the state before the transaction, which fixes the path of
 * branches taken; the ops on that path are checked (leases, revisions) before
 * anything is written; then they run in order as one revision, each read
 * seeing the writes before it.
 */
final class TxnApplier {
  private final MvccStore store;

  TxnApplier(MvccStore store) {
    this.store = store;
  }

  TxnResponse apply(TxnRequest txn) {
    List<Boolean> path = new ArrayList<>();
    choosePath(txn, path);
    check(txn, new ArrayDeque<>(path));
    MvccStore.Write w = store.begin();
    TxnResponse resp = execute(w, txn, new ArrayDeque<>(path));
    w.commit();
    return resp.toBuilder().setHeader(MvccStore.header(store.revision())).build();
  }

  /** True if {@code txn} cannot write: it may then be served as a read. */
  static boolean isReadOnly(TxnRequest txn) {
    return readOnly(txn.getSuccessList()) && readOnly(txn.getFailureList());
  }

  private static boolean readOnly(List<RequestOp> ops) {
    for (RequestOp op : ops) {
      switch (op.getRequestCase()) {
        case REQUEST_PUT, REQUEST_DELETE_RANGE -> {
          return false;
        }
        case REQUEST_TXN -> {
          if (!isReadOnly(op.getRequestTxn())) {
            return false;
          }
        }
        default -> { }
      }
    }
    return true;
  }

  private void choosePath(TxnRequest txn, List<Boolean> path) {
    boolean succeeded = compares(txn.getCompareList());
    path.add(succeeded);
    for (RequestOp op : succeeded ? txn.getSuccessList() : txn.getFailureList()) {
      if (op.hasRequestTxn()) {
        choosePath(op.getRequestTxn(), path);
      }
    }
  }

  private boolean compares(List<Compare> compares) {
    for (Compare c : compares) {
      if (!holds(c)) {
        return false;
      }
    }
    return true;
  }

  private boolean holds(Compare c) {
    Collection<KeyHistory> targets = store.histories(KeyRange.of(c.getKey(), c.getRangeEnd())).values();
    boolean any = false;
    for (KeyHistory h : targets) {
      KeyValue kv = h.live();
      if (kv == null) {
        continue;
      }
      any = true;
      if (!holds(c, kv)) {
        return false;
      }
    }
    if (!any) {
      // an absent key compares as all zeroes, but never equals a value
      return c.getTarget() != Compare.CompareTarget.VALUE && holds(c, KeyValue.getDefaultInstance());
    }
    return true;
  }

  private static boolean holds(Compare c, KeyValue kv) {
    int cmp = switch (c.getTarget()) {
      case VERSION -> Long.compare(kv.getVersion(), c.getVersion());
      case CREATE -> Long.compare(kv.getCreateRevision(), c.getCreateRevision());
      case MOD -> Long.compare(kv.getModRevision(), c.getModRevision());
      case VALUE -> Integer.signum(KeyRange.ORDER.compare(kv.getValue(), c.getValue()));
      case LEASE -> Long.compare(kv.getLease(), c.getLease());
      default -> throw new StoreException(io.skiff.store.ErrorCode.INVALID_ARGUMENT,
          "etcdserver: unknown compare target " + c.getTargetValue());
    };
    return switch (c.getResult()) {
      case EQUAL -> cmp == 0;
      case GREATER -> cmp > 0;
      case LESS -> cmp < 0;
      case NOT_EQUAL -> cmp != 0;
      default -> false;
    };
  }

  /** Stateful checks of every op on the path, before any write. */
  private void check(TxnRequest txn, Deque<Boolean> path) {
    for (RequestOp op : path.pop() ? txn.getSuccessList() : txn.getFailureList()) {
      switch (op.getRequestCase()) {
        case REQUEST_PUT -> store.checkPut(op.getRequestPut());
        case REQUEST_RANGE -> checkRevision(op.getRequestRange());
        case REQUEST_TXN -> check(op.getRequestTxn(), path);
        case REQUEST_DELETE_RANGE -> { }
        default -> throw emptyOp(); // before any write, so a bad op cannot leave half a txn behind
      }
    }
  }

  private static StoreException emptyOp() {
    return new StoreException(io.skiff.store.ErrorCode.INVALID_ARGUMENT, "etcdserver: empty request in txn");
  }

  private void checkRevision(RangeRequest r) {
    if (r.getRevision() > store.revision()) {
      throw StoreException.futureRevision();
    }
    if (r.getRevision() > 0 && r.getRevision() < store.compactRevision()) {
      throw StoreException.compacted();
    }
  }

  private TxnResponse execute(MvccStore.Write w, TxnRequest txn, Deque<Boolean> path) {
    boolean succeeded = path.pop();
    TxnResponse.Builder resp = TxnResponse.newBuilder().setSucceeded(succeeded);
    for (RequestOp op : succeeded ? txn.getSuccessList() : txn.getFailureList()) {
      ResponseOp.Builder out = ResponseOp.newBuilder();
      switch (op.getRequestCase()) {
        case REQUEST_RANGE -> out.setResponseRange(store.range(op.getRequestRange(), w.readRevision())
            .toBuilder().setHeader(MvccStore.header(w.readRevision())));
        case REQUEST_PUT -> out.setResponsePut(store.applyPut(w, op.getRequestPut())
            .toBuilder().setHeader(MvccStore.header(w.mainRevision)));
        case REQUEST_DELETE_RANGE -> {
          var d = op.getRequestDeleteRange();
          out.setResponseDeleteRange(store.applyDelete(w, d.getKey(), d.getRangeEnd(), d.getPrevKv())
              .toBuilder().setHeader(MvccStore.header(w.mainRevision)));
        }
        case REQUEST_TXN -> out.setResponseTxn(execute(w, op.getRequestTxn(), path)
            .toBuilder().setHeader(MvccStore.header(w.readRevision())));
        default -> throw emptyOp();
      }
      resp.addResponses(out);
    }
    return resp.build();
  }
}
