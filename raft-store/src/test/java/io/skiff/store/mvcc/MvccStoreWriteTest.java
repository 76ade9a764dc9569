package io.skiff.store.mvcc;

import static io.skiff.store.mvcc.Protos.KEY_NOT_FOUND;
import static io.skiff.store.mvcc.Protos.LEASE_NOT_FOUND;
import static io.skiff.store.mvcc.Protos.QUOTA;
import static io.skiff.store.mvcc.Protos.ZERO;
import static io.skiff.store.mvcc.Protos.all;
import static io.skiff.store.mvcc.Protos.assertError;
import static io.skiff.store.mvcc.Protos.assertStoreException;
import static io.skiff.store.mvcc.Protos.bs;
import static io.skiff.store.mvcc.Protos.cmp;
import static io.skiff.store.mvcc.Protos.compaction;
import static io.skiff.store.mvcc.Protos.delete;
import static io.skiff.store.mvcc.Protos.get;
import static io.skiff.store.mvcc.Protos.getAt;
import static io.skiff.store.mvcc.Protos.grant;
import static io.skiff.store.mvcc.Protos.keys;
import static io.skiff.store.mvcc.Protos.only;
import static io.skiff.store.mvcc.Protos.op;
import static io.skiff.store.mvcc.Protos.put;
import static io.skiff.store.mvcc.Protos.req;
import static io.skiff.store.mvcc.Protos.str;
import static io.skiff.store.mvcc.Protos.txn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skiff.proto.etcd.Compare.CompareResult;
import io.skiff.proto.etcd.Compare.CompareTarget;
import io.skiff.proto.etcd.DeleteRangeResponse;
import io.skiff.proto.etcd.PutRequest;
import io.skiff.proto.etcd.PutResponse;
import io.skiff.proto.mvcc.KeyValue;
import io.skiff.proto.store.StoreRequest;
import io.skiff.proto.store.StoreResponse;
import io.skiff.store.ErrorCode;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Revisions, puts and deletes of the MVCC store, as etcd 3.4 numbers and answers them. */
class MvccStoreWriteTest {

  // ------------------------------------------------------------ revisions

  @Test
  void emptyStoreIsAtRevisionOne() {
    MvccStore store = new MvccStore(QUOTA);
    assertEquals(1, store.revision());
    assertEquals(0, store.compactRevision());
    var resp = store.range(all().build());
    assertEquals(1, resp.getHeader().getRevision());
    assertEquals(0, resp.getCount());
  }

  /** One step of the revision table: a request and the store's revision after it. */
  record Step(String what, StoreRequest request, long revisionAfter) {
    @Override
    public String toString() {
      return what;
    }
  }

  /** Writes advance the revision by exactly one; requests that change nothing leave it alone. */
  @Test
  void eachWriteAdvancesTheRevisionByExactlyOne() {
    List<Step> steps = List.of(
        new Step("first put", req(put("a", "1")), 2),
        new Step("put of the same value", req(put("a", "1")), 3),
        new Step("put of another key", req(put("b", "1")), 4),
        new Step("delete of a live key", req(delete("a")), 5),
        new Step("delete of a deleted key", req(delete("a")), 5),
        new Step("delete of a never written key", req(delete("zzz")), 5),
        new Step("delete of an empty range", req(delete("c", bs("d"))), 5),
        new Step("read-only txn", req(txn(op(get("b")), op(all().build()))), 5),
        new Step("txn whose only write is a no-op delete", req(txn(op(delete("nothing")))), 5),
        new Step("txn whose compare fails into an empty failure branch", req(txn(
            List.of(cmp("b", CompareTarget.VERSION, CompareResult.EQUAL).setVersion(42).build()),
            List.of(op(put("x", "1"))), List.of())), 5),
        new Step("txn with three writes", req(txn(op(put("x", "1")), op(put("y", "1")), op(delete("b")))), 6),
        new Step("delete of a range of two keys", req(delete("x", bs("z"))), 7),
        new Step("failed put (unknown lease)", req(put("k", "v", 99)), 7),
        new Step("lease grant", grant(1, 60), 7),
        new Step("put with the lease", req(put("k", "v", 1)), 8),
        new Step("compaction", req(compaction(8)), 8));
    StoreState state = Protos.newState();
    try (state) {
      for (Step step : steps) {
        Protos.apply(state, step.request());
        assertEquals(step.revisionAfter(), state.revision(), step.what());
      }
    }
  }

  @Test
  void headerCarriesTheRevisionAfterTheWrite() {
    MvccStore store = new MvccStore(QUOTA);
    assertEquals(2, store.put(put("a", "1")).getHeader().getRevision());
    assertEquals(3, store.deleteRange(delete("a")).getHeader().getRevision());
    // nothing deleted: the header tells the unchanged revision
    assertEquals(3, store.deleteRange(delete("a")).getHeader().getRevision());
  }

  @Test
  void createRevisionModRevisionAndVersion() {
    MvccStore store = new MvccStore(QUOTA);
    store.put(put("a", "1"));                 // rev 2
    store.put(put("other", "x"));             // rev 3
    store.put(put("a", "2"));                 // rev 4
    store.put(put("a", "3"));                 // rev 5
    store.deleteRange(delete("a"));           // rev 6
    store.put(put("a", "4"));                 // rev 7: a new generation

    record Expect(long rev, String value, long create, long mod, long version) { }
    List<Expect> table = List.of(
        new Expect(2, "1", 2, 2, 1),
        new Expect(3, "1", 2, 2, 1),
        new Expect(4, "2", 2, 4, 2),
        new Expect(5, "3", 2, 5, 3),
        new Expect(7, "4", 7, 7, 1));
    for (Expect e : table) {
      KeyValue kv = only(store.range(getAt("a", e.rev())));
      assertEquals(e.value(), str(kv.getValue()), "value at " + e.rev());
      assertEquals(e.create(), kv.getCreateRevision(), "create_revision at " + e.rev());
      assertEquals(e.mod(), kv.getModRevision(), "mod_revision at " + e.rev());
      assertEquals(e.version(), kv.getVersion(), "version at " + e.rev());
    }
    assertEquals(0, store.range(getAt("a", 6)).getKvsCount(), "deleted at 6");
    assertEquals(0, store.range(getAt("a", 1)).getKvsCount(), "not yet written at 1");
    assertEquals(only(store.range(getAt("a", 7))), only(store.range(get("a"))));
  }

  // ------------------------------------------------------------ put

  @Test
  void putReturnsThePreviousValueOnlyWhenAsked() {
    MvccStore store = new MvccStore(QUOTA);
    PutRequest withPrev = put("a", "1").toBuilder().setPrevKv(true).build();
    assertFalse(store.put(withPrev).hasPrevKv(), "nothing before the first put");
    KeyValue first = only(store.range(get("a")));

    PutResponse second = store.put(put("a", "2").toBuilder().setPrevKv(true).build());
    assertEquals(first, second.getPrevKv());

    assertFalse(store.put(put("a", "3")).hasPrevKv(), "prev_kv not asked");

    store.deleteRange(delete("a"));
    assertFalse(store.put(withPrev).hasPrevKv(), "nothing live before a put after a delete");
  }

  static Stream<Arguments> ignoreFlags() {
    return Stream.of(
        // the lease comes from the request unless ignore_lease: a plain ignore_value put detaches it
        Arguments.of("ignore_value", put("k", "").toBuilder().setIgnoreValue(true).build(), "v1", 0L),
        Arguments.of("ignore_lease", put("k", "v2").toBuilder().setIgnoreLease(true).build(), "v2", 7L),
        Arguments.of("both", put("k", "").toBuilder().setIgnoreValue(true).setIgnoreLease(true).build(), "v1", 7L),
        Arguments.of("neither", put("k", "v2"), "v2", 0L));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("ignoreFlags")
  void ignoreValueAndIgnoreLeaseKeepWhatWasThere(String name, PutRequest second, String value, long lease) {
    MvccStore store = new MvccStore(QUOTA);
    store.leaseGrant(7, 60, Long.MAX_VALUE);
    store.put(put("k", "v1", 7));
    store.put(second);
    KeyValue kv = only(store.range(get("k")));
    assertEquals(value, str(kv.getValue()));
    assertEquals(lease, kv.getLease());
    assertEquals(2, kv.getVersion());
    assertEquals(lease != 0, store.leases.get(7).keys.contains(bs("k")), "attached to the lease");
  }

  static Stream<Arguments> ignoreOnMissingKey() {
    return Stream.of(
        Arguments.of(put("k", "").toBuilder().setIgnoreValue(true).build()),
        Arguments.of(put("k", "v").toBuilder().setIgnoreLease(true).build()),
        Arguments.of(put("k", "").toBuilder().setIgnoreValue(true).setIgnoreLease(true).build()));
  }

  /** etcd: "etcdserver: key not found" (InvalidArgument) when there is nothing to keep, also after a delete. */
  @ParameterizedTest
  @MethodSource("ignoreOnMissingKey")
  void ignoreFlagsNeedALiveKey(PutRequest r) {
    MvccStore store = new MvccStore(QUOTA);
    assertStoreException(ErrorCode.INVALID_ARGUMENT, KEY_NOT_FOUND, () -> store.put(r));
    store.put(put("k", "v"));
    store.deleteRange(delete("k"));
    long before = store.revision();
    assertStoreException(ErrorCode.INVALID_ARGUMENT, KEY_NOT_FOUND, () -> store.put(r));
    assertEquals(before, store.revision());
  }

  @Test
  void putWithAnUnknownLeaseIsNotFoundAndWritesNothing() {
    StoreState state = Protos.newState();
    try (state) {
      assertError(Protos.apply(state, req(put("k", "v", 42))), ErrorCode.NOT_FOUND, LEASE_NOT_FOUND);
      assertEquals(1, state.revision());
      assertEquals(0, Protos.range(state, get("k")).getCount());
      // a revoked lease is unknown too
      Protos.applyOk(state, grant(42, 60));
      Protos.applyOk(state, Protos.revoke(42));
      assertError(Protos.apply(state, req(put("k", "v", 42))), ErrorCode.NOT_FOUND, LEASE_NOT_FOUND);
    }
  }

  @Test
  void quotaExceededIsResourceExhaustedUntilACompactionFreesSpace() {
    // every retained version counts key + value + 32 bytes
    MvccStore store = new MvccStore(200);
    store.put(put("k", "x".repeat(60)));   // 93 bytes
    store.put(put("k", "y".repeat(60)));   // 186 bytes
    long before = store.revision();
    assertStoreException(ErrorCode.RESOURCE_EXHAUSTED, "etcdserver: mvcc: database space exceeded",
        () -> store.put(put("k", "z".repeat(60))));
    assertEquals(before, store.revision());
    assertEquals("y".repeat(60), str(only(store.range(get("k"))).getValue()));
    // a small put still fits: only what goes over the quota is refused
    store.put(put("s", ""));
    assertEquals(186 + 33, store.sizeBytes());
    store.compact(compaction(store.revision()));   // drops k's first version
    assertEquals(186 + 33 - 93, store.sizeBytes());
    store.put(put("k", "z".repeat(30)));
    assertEquals("z".repeat(30), str(only(store.range(get("k"))).getValue()));

    // through the state machine the same refusal is an error response
    StoreState tiny = new StoreState(10, java.time.Duration.ofSeconds(60));
    try (tiny) {
      StoreResponse resp = Protos.apply(tiny, req(put("key", "value-too-big")));
      assertError(resp, ErrorCode.RESOURCE_EXHAUSTED, "etcdserver: mvcc: database space exceeded");
      assertEquals(1, tiny.revision());
    }
  }

  // ------------------------------------------------------------ delete

  static Stream<Arguments> deletes() {
    return Stream.of(
        Arguments.of("single key", delete("b"), List.of("b")),
        Arguments.of("absent single key", delete("bb"), List.of()),
        Arguments.of("range [b, d)", delete("b", bs("d")), List.of("b", "ba", "c")),
        Arguments.of("prefix b", delete("b", KeyRange.prefixEnd(bs("b"))), List.of("b", "ba")),
        Arguments.of("from c, unbounded", delete("c", ZERO), List.of("c", "d")),
        Arguments.of("whole key space", io.skiff.proto.etcd.DeleteRangeRequest.newBuilder()
            .setKey(ZERO).setRangeEnd(ZERO).build(), List.of("a", "b", "ba", "c", "d")),
        Arguments.of("empty range (end before start)", delete("d", bs("a")), List.of()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("deletes")
  void deleteRangeDeletesLiveKeysInOneRevision(String name, io.skiff.proto.etcd.DeleteRangeRequest r,
      List<String> deleted) {
    MvccStore store = new MvccStore(QUOTA);
    for (String k : List.of("a", "b", "ba", "c", "d", "gone")) {
      store.put(put(k, "v-" + k));
    }
    store.deleteRange(delete("gone"));
    long before = store.revision();

    DeleteRangeResponse resp = store.deleteRange(r.toBuilder().setPrevKv(true).build());

    assertEquals(deleted.size(), resp.getDeleted());
    assertEquals(deleted, resp.getPrevKvsList().stream().map(kv -> str(kv.getKey())).toList());
    for (KeyValue prev : resp.getPrevKvsList()) {
      assertEquals("v-" + str(prev.getKey()), str(prev.getValue()));
      assertTrue(prev.getModRevision() <= before);
    }
    long after = deleted.isEmpty() ? before : before + 1;
    assertEquals(after, store.revision());
    assertEquals(after, resp.getHeader().getRevision());
    List<String> remaining = keys(store.range(all().build()));
    for (String k : deleted) {
      assertFalse(remaining.contains(k), k + " still there");
      // the key is still readable before the delete, and its tombstone is at the delete's revision
      assertEquals(1, store.range(getAt(k, before)).getKvsCount());
      assertEquals(after, store.histories(KeyRange.of(bs(k), com.google.protobuf.ByteString.EMPTY))
          .get(bs(k)).latest().modRevision());
    }
    assertEquals(5 - deleted.size(), remaining.size());
  }

  @Test
  void deleteWithoutPrevKvReturnsOnlyTheCount() {
    MvccStore store = new MvccStore(QUOTA);
    store.put(put("a", "1"));
    store.put(put("b", "1"));
    DeleteRangeResponse resp = store.deleteRange(delete("a", ZERO));
    assertEquals(2, resp.getDeleted());
    assertEquals(0, resp.getPrevKvsCount());
  }

  @Test
  void deleteDetachesTheKeyFromItsLease() {
    MvccStore store = new MvccStore(QUOTA);
    store.leaseGrant(5, 60, Long.MAX_VALUE);
    store.put(put("a", "1", 5));
    store.deleteRange(delete("a"));
    assertTrue(store.leases.get(5).keys.isEmpty());
    store.put(put("a", "2"));
    store.leaseRevoke(5);
    assertEquals("2", str(only(store.range(get("a"))).getValue()), "a no longer belongs to the lease");
  }
}
