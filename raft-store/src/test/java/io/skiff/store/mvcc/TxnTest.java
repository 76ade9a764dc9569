package io.skiff.store.mvcc;

import static io.skiff.store.mvcc.Protos.COMPACTED;
import static io.skiff.store.mvcc.Protos.FUTURE;
import static io.skiff.store.mvcc.Protos.KEY_NOT_FOUND;
import static io.skiff.store.mvcc.Protos.LEASE_NOT_FOUND;
import static io.skiff.store.mvcc.Protos.QUOTA;
import static io.skiff.store.mvcc.Protos.ZERO;
import static io.skiff.store.mvcc.Protos.all;
import static io.skiff.store.mvcc.Protos.assertStoreException;
import static io.skiff.store.mvcc.Protos.bs;
import static io.skiff.store.mvcc.Protos.cmp;
import static io.skiff.store.mvcc.Protos.compaction;
import static io.skiff.store.mvcc.Protos.delete;
import static io.skiff.store.mvcc.Protos.get;
import static io.skiff.store.mvcc.Protos.getAt;
import static io.skiff.store.mvcc.Protos.keys;
import static io.skiff.store.mvcc.Protos.only;
import static io.skiff.store.mvcc.Protos.op;
import static io.skiff.store.mvcc.Protos.prefix;
import static io.skiff.store.mvcc.Protos.put;
import static io.skiff.store.mvcc.Protos.str;
import static io.skiff.store.mvcc.Protos.txn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skiff.proto.etcd.Compare;
import io.skiff.proto.etcd.Compare.CompareResult;
import io.skiff.proto.etcd.Compare.CompareTarget;
import io.skiff.proto.etcd.RangeResponse;
import io.skiff.proto.etcd.ResponseOp;
import io.skiff.proto.etcd.TxnRequest;
import io.skiff.proto.etcd.TxnResponse;
import io.skiff.proto.mvcc.KeyValue;
import io.skiff.store.ErrorCode;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Transactions: compares, branches, reads of own writes, nesting, atomicity. */
class TxnTest {
  private static final long LEASE = 77;
  private MvccStore store;
  private TxnApplier txns;

  /** gone: put at 2, deleted at 5; k = "v" (version 2, create 3, mod 4, lease 77); k2 = "b" at 6. */
  @BeforeEach
  void setUp() {
    store = new MvccStore(QUOTA);
    txns = new TxnApplier(store);
    store.leaseGrant(LEASE, 60, Long.MAX_VALUE);
    store.put(put("gone", "x"));       // 2
    store.put(put("k", "u"));          // 3
    store.put(put("k", "v", LEASE));   // 4
    store.deleteRange(delete("gone")); // 5
    store.put(put("k2", "b"));         // 6
    assertEquals(6, store.revision());
  }

  record Case(String name, Compare compare, boolean holds) {
    @Override
    public String toString() {
      return name;
    }
  }

  private static Case c(String name, Compare.Builder compare, boolean holds) {
    return new Case(name, compare.build(), holds);
  }

  private static Compare.Builder on(String key, CompareTarget target, CompareResult result) {
    return cmp(key, target, result);
  }

  /** State: k = "v" (version 2, create 3, mod 4, lease 77), k2 = "b" (version 1, create 6, mod 6). */
  static Stream<Case> compares() {
    CompareTarget value = CompareTarget.VALUE;
    CompareTarget version = CompareTarget.VERSION;
    CompareTarget create = CompareTarget.CREATE;
    CompareTarget mod = CompareTarget.MOD;
    CompareTarget lease = CompareTarget.LEASE;
    CompareResult eq = CompareResult.EQUAL;
    CompareResult gt = CompareResult.GREATER;
    CompareResult lt = CompareResult.LESS;
    CompareResult ne = CompareResult.NOT_EQUAL;
    return Stream.of(
        c("value = v", on("k", value, eq).setValue(bs("v")), true),
        c("value = w", on("k", value, eq).setValue(bs("w")), false),
        c("value > u", on("k", value, gt).setValue(bs("u")), true),
        c("value > v", on("k", value, gt).setValue(bs("v")), false),
        c("value < w", on("k", value, lt).setValue(bs("w")), true),
        c("value < va (a prefix is smaller)", on("k", value, lt).setValue(bs("va")), true),
        c("value != v", on("k", value, ne).setValue(bs("v")), false),
        c("value != x", on("k", value, ne).setValue(bs("x")), true),
        c("version = 2", on("k", version, eq).setVersion(2), true),
        c("version = 1", on("k", version, eq).setVersion(1), false),
        c("version > 1", on("k", version, gt).setVersion(1), true),
        c("version > 2", on("k", version, gt).setVersion(2), false),
        c("version < 3", on("k", version, lt).setVersion(3), true),
        c("version != 2", on("k", version, ne).setVersion(2), false),
        c("create = 3", on("k", create, eq).setCreateRevision(3), true),
        c("create > 3", on("k", create, gt).setCreateRevision(3), false),
        c("create < 4", on("k", create, lt).setCreateRevision(4), true),
        c("create != 2", on("k", create, ne).setCreateRevision(2), true),
        c("mod = 4", on("k", mod, eq).setModRevision(4), true),
        c("mod > 3", on("k", mod, gt).setModRevision(3), true),
        c("mod < 4", on("k", mod, lt).setModRevision(4), false),
        c("mod != 4", on("k", mod, ne).setModRevision(4), false),
        c("lease = 77", on("k", lease, eq).setLease(LEASE), true),
        c("lease = 0", on("k", lease, eq).setLease(0), false),
        c("lease > 0", on("k", lease, gt).setLease(0), true),
        c("lease != 77", on("k", lease, ne).setLease(LEASE), false),
        c("k2 lease = 0", on("k2", lease, eq).setLease(0), true),
        // an absent key compares as all zeroes; a value compare on it always fails
        c("absent: version = 0", on("nope", version, eq).setVersion(0), true),
        c("absent: version > 0", on("nope", version, gt).setVersion(0), false),
        c("absent: create = 0", on("nope", create, eq).setCreateRevision(0), true),
        c("absent: mod < 1", on("nope", mod, lt).setModRevision(1), true),
        c("absent: lease = 0", on("nope", lease, eq).setLease(0), true),
        c("absent: value = \"\"", on("nope", value, eq).setValue(bs("")), false),
        c("absent: value != x", on("nope", value, ne).setValue(bs("x")), false),
        c("deleted: version = 0", on("gone", version, eq).setVersion(0), true),
        c("deleted: mod = 0", on("gone", mod, eq).setModRevision(0), true),
        // range compares: every live key in the range must satisfy it
        c("range [k, k3): version > 0", on("k", version, gt).setVersion(0).setRangeEnd(bs("k3")), true),
        c("range [k, k3): version = 2", on("k", version, eq).setVersion(2).setRangeEnd(bs("k3")), false),
        c("range [k, k3): mod < 7", on("k", mod, lt).setModRevision(7).setRangeEnd(bs("k3")), true),
        c("range [k, k3): mod < 6", on("k", mod, lt).setModRevision(6).setRangeEnd(bs("k3")), false),
        c("range prefix k: value > a", on("k", value, gt).setValue(bs("a"))
            .setRangeEnd(KeyRange.prefixEnd(bs("k"))), true),
        c("range [a, \\0): create > 0 skips the deleted key", on("a", create, gt).setCreateRevision(0)
            .setRangeEnd(ZERO), true),
        c("range with no live key: version = 0", on("x", version, eq).setVersion(0).setRangeEnd(bs("y")), true),
        c("range with no live key: value = \"\"", on("x", value, eq).setValue(bs("")).setRangeEnd(bs("y")), false),
        c("range covering only a deleted key: create = 0", on("gone", create, eq).setCreateRevision(0)
            .setRangeEnd(bs("gonf")), true));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("compares")
  void compare(Case c) {
    TxnResponse resp = txns.apply(txn(List.of(c.compare()),
        List.of(op(get("k"))), List.of(op(get("k2")))));
    assertEquals(c.holds(), resp.getSucceeded());
    String expectedKey = c.holds() ? "k" : "k2";
    assertEquals(expectedKey, str(only(resp.getResponses(0).getResponseRange()).getKey()), "branch taken");
    assertEquals(6, store.revision(), "a read-only txn writes nothing");
  }

  @Test
  void allComparesMustHoldAndAnEmptyCompareListSucceeds() {
    Compare yes = on("k", CompareTarget.VALUE, CompareResult.EQUAL).setValue(bs("v")).build();
    Compare no = on("k", CompareTarget.VERSION, CompareResult.EQUAL).setVersion(9).build();
    assertTrue(txns.apply(txn(List.of(yes, yes), List.of(), List.of())).getSucceeded());
    assertFalse(txns.apply(txn(List.of(yes, no), List.of(), List.of())).getSucceeded());
    assertFalse(txns.apply(txn(List.of(no, yes), List.of(), List.of())).getSucceeded());
    assertTrue(txns.apply(txn(List.of(), List.of(), List.of())).getSucceeded());
  }

  @Test
  void successAndFailureBranchesRunTheirOps() {
    Compare isV = on("k", CompareTarget.VALUE, CompareResult.EQUAL).setValue(bs("v")).build();
    TxnRequest casToW = txn(List.of(isV), List.of(op(put("k", "w"))), List.of(op(get("k"))));

    TxnResponse first = txns.apply(casToW);
    assertTrue(first.getSucceeded());
    assertTrue(first.getResponses(0).hasResponsePut());
    assertEquals(7, first.getHeader().getRevision());

    TxnResponse second = txns.apply(casToW);
    assertFalse(second.getSucceeded());
    assertEquals("w", str(only(second.getResponses(0).getResponseRange()).getValue()));
    assertEquals(7, second.getHeader().getRevision(), "the failure branch only read");
  }

  @Test
  void readsInATxnSeeTheEarlierWritesOfTheSameTxn() {
    TxnResponse resp = txns.apply(txn(
        op(get("new")),
        op(put("new", "1")),
        op(get("new")),
        op(prefix("k").build()),
        op(delete("k2")),
        op(prefix("k").build()),
        op(put("k", "again").toBuilder().setPrevKv(true).build()),
        op(get("k")),
        op(getAt("k", 6))));
    assertTrue(resp.getSucceeded());
    List<ResponseOp> r = resp.getResponsesList();
    assertEquals(0, r.get(0).getResponseRange().getCount(), "before the put");
    assertEquals(6, r.get(0).getResponseRange().getHeader().getRevision(), "nothing written yet");
    KeyValue created = only(r.get(2).getResponseRange());
    assertEquals(7, created.getModRevision());
    assertEquals(7, created.getCreateRevision());
    assertEquals(7, r.get(2).getResponseRange().getHeader().getRevision());
    assertEquals(List.of("k", "k2"), keys(r.get(3).getResponseRange()));
    assertEquals(1, r.get(4).getResponseDeleteRange().getDeleted());
    assertEquals(List.of("k"), keys(r.get(5).getResponseRange()));
    assertEquals("v", str(r.get(6).getResponsePut().getPrevKv().getValue()), "prev_kv is the value before the txn");
    KeyValue k = only(r.get(7).getResponseRange());
    assertEquals("again", str(k.getValue()));
    assertEquals(3, k.getVersion());
    assertEquals("v", str(only(r.get(8).getResponseRange()).getValue()), "an explicit older revision");
    assertEquals(7, resp.getHeader().getRevision());
  }

  @Test
  void theWholeTxnIsOneRevision() {
    TxnResponse resp = txns.apply(txn(
        op(put("x", "1")), op(put("y", "1")), op(put("k", "1")), op(delete("k2")),
        op(txn(op(put("z", "1"))))));
    assertEquals(7, resp.getHeader().getRevision());
    assertEquals(7, store.revision());
    for (String key : List.of("x", "y", "k", "z")) {
      assertEquals(7, only(store.range(get(key))).getModRevision(), key);
    }
    assertEquals(0, store.range(get("k2")).getCount());
    assertEquals(1, store.range(getAt("k2", 6)).getCount());
    // every write of the txn is in the one revision's change list, in write order
    List<String> written = store.changes(7, 7).get(7L).stream().map(v -> str(v.kv().getKey())).toList();
    assertEquals(List.of("x", "y", "k", "k2", "z"), written);
    assertEquals(List.of(7L), List.copyOf(store.changes(1, 100).tailMap(7L).keySet()));
  }

  @Test
  void nestedTxnsRunTheirBranchAndEveryCompareSeesTheStateBeforeTheTxn() {
    // etcd evaluates all compares, nested ones too, before the first write (checked against etcd 3.4.23)
    Compare kIsV = on("k", CompareTarget.VALUE, CompareResult.EQUAL).setValue(bs("v")).build();
    Compare newAbsent = on("new", CompareTarget.VERSION, CompareResult.EQUAL).setVersion(0).build();
    TxnRequest inner = txn(List.of(kIsV, newAbsent), List.of(op(put("inner", "yes")), op(get("new"))),
        List.of(op(put("inner", "no"))));
    TxnRequest outer = txn(List.of(), List.of(op(put("k", "changed")), op(put("new", "1")), op(inner),
        op(txn(List.of(on("nope", CompareTarget.VERSION, CompareResult.GREATER).setVersion(0).build()),
            List.of(op(put("never", "1"))), List.of(op(delete("k2"))))), op(get("inner"))), List.of());
    TxnResponse resp = txns.apply(outer);

    assertTrue(resp.getSucceeded());
    TxnResponse innerResp = resp.getResponses(2).getResponseTxn();
    assertTrue(innerResp.getSucceeded(), "compared against k = v, before the outer put");
    assertEquals(1, innerResp.getResponses(1).getResponseRange().getCount(), "but reads see the outer put");
    TxnResponse second = resp.getResponses(3).getResponseTxn();
    assertFalse(second.getSucceeded());
    assertEquals(1, second.getResponses(0).getResponseDeleteRange().getDeleted());
    assertEquals("yes", str(only(resp.getResponses(4).getResponseRange()).getValue()));
    assertEquals(0, store.range(get("never")).getCount());
    assertEquals(7, store.revision());
  }

  @Test
  void readOnlyTxnIsRecognised() {
    assertTrue(TxnApplier.isReadOnly(txn(op(get("a")), op(txn(op(get("b")))))));
    assertTrue(TxnApplier.isReadOnly(txn(List.of(), List.of(), List.of())));
    assertFalse(TxnApplier.isReadOnly(txn(op(get("a")), op(put("b", "1")))));
    assertFalse(TxnApplier.isReadOnly(txn(List.of(), List.of(), List.of(op(delete("a"))))));
    assertFalse(TxnApplier.isReadOnly(txn(op(txn(List.of(), List.of(), List.of(op(put("b", "1"))))))));
  }

  /** A txn whose ops cannot all run is refused whole: nothing written, the revision unchanged. */
  record Failing(String name, TxnRequest txn, ErrorCode code, String message) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Failing> failingTxns() {
    return Stream.of(
        new Failing("unknown lease after a put", txn(op(put("x", "1")), op(put("y", "1", 999))),
            ErrorCode.NOT_FOUND, LEASE_NOT_FOUND),
        new Failing("unknown lease after a delete", txn(op(delete("k")), op(put("y", "1", 999))),
            ErrorCode.NOT_FOUND, LEASE_NOT_FOUND),
        new Failing("unknown lease in a nested txn", txn(op(put("x", "1")), op(txn(op(put("y", "1", 999))))),
            ErrorCode.NOT_FOUND, LEASE_NOT_FOUND),
        new Failing("ignore_value on an absent key", txn(op(put("x", "1")),
            op(put("nope", "").toBuilder().setIgnoreValue(true).build())), ErrorCode.INVALID_ARGUMENT, KEY_NOT_FOUND),
        new Failing("ignore_lease on a deleted key", txn(op(put("x", "1")),
            op(put("gone", "1").toBuilder().setIgnoreLease(true).build())), ErrorCode.INVALID_ARGUMENT,
            KEY_NOT_FOUND),
        new Failing("range at a future revision", txn(op(put("x", "1")), op(getAt("k", 7))),
            ErrorCode.OUT_OF_RANGE, FUTURE));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("failingTxns")
  void aFailingOpWritesNothing(Failing f) {
    long sizeBefore = store.sizeBytes();
    RangeResponse before = store.range(all().build());
    assertStoreException(f.code(), f.message(), () -> txns.apply(f.txn()));
    assertEquals(6, store.revision());
    assertEquals(sizeBefore, store.sizeBytes());
    assertEquals(before, store.range(all().build()));
    assertEquals(List.of(6L), List.copyOf(store.changes(6, 100).keySet()), "no change recorded");
    // and the next write gets the next revision, cleanly
    store.put(put("x", "after"));
    KeyValue x = only(store.range(get("x")));
    assertEquals(7, x.getModRevision());
    assertEquals(1, x.getVersion());
  }

  @Test
  void aFailingOpInTheBranchNotTakenDoesNotMatter() {
    Compare no = on("k", CompareTarget.VERSION, CompareResult.EQUAL).setVersion(9).build();
    TxnResponse resp = txns.apply(txn(List.of(no), List.of(op(put("y", "1", 999))), List.of(op(put("x", "1")))));
    assertFalse(resp.getSucceeded());
    assertEquals(7, store.revision());
  }

  @Test
  void rangesInATxnAtOrAfterTheCompactionWorkBelowItFail() {
    store.compact(compaction(4));
    TxnResponse ok = txns.apply(txn(op(getAt("k", 4)), op(put("x", "1"))));
    assertEquals("v", str(only(ok.getResponses(0).getResponseRange()).getValue()));
    assertStoreException(ErrorCode.OUT_OF_RANGE, COMPACTED, () -> txns.apply(txn(op(put("y", "1")), op(getAt("k", 3)))));
    assertEquals(0, store.range(get("y")).getCount());
  }

  @Test
  void aTxnMayPutAKeyInOneNestedTxnAndDeleteItInALaterOne() {
    // etcd 3.4 accepts this (checked against 3.4.23): the key is put and deleted at one revision,
    // and a watcher sees the PUT then the DELETE
    TxnResponse resp = txns.apply(txn(op(txn(op(put("n", "x")))), op(txn(op(delete("n"))))));
    assertEquals(7, resp.getHeader().getRevision());
    assertEquals(1, resp.getResponses(1).getResponseTxn().getResponses(0).getResponseDeleteRange().getDeleted());
    assertEquals(0, store.range(get("n")).getCount());
    assertEquals(0, store.range(getAt("n", 7)).getCount());
    assertEquals(0, store.range(getAt("n", 6)).getCount());
    List<KeyHistory.Version> changes = store.changes(7, 7).get(7L);
    assertEquals(2, changes.size());
    assertFalse(changes.get(0).tombstone());
    assertTrue(changes.get(1).tombstone());
    // and a later put starts a new generation
    store.put(put("n", "y"));
    KeyValue n = only(store.range(get("n")));
    assertEquals(1, n.getVersion());
    assertEquals(8, n.getCreateRevision());
  }
}
