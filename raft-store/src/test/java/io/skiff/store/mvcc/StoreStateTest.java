package io.skiff.store.mvcc;

import static io.skiff.store.mvcc.Protos.all;
import static io.skiff.store.mvcc.Protos.applyOk;
import static io.skiff.store.mvcc.Protos.assertError;
import static io.skiff.store.mvcc.Protos.bs;
import static io.skiff.store.mvcc.Protos.cmp;
import static io.skiff.store.mvcc.Protos.delete;
import static io.skiff.store.mvcc.Protos.entry;
import static io.skiff.store.mvcc.Protos.get;
import static io.skiff.store.mvcc.Protos.keys;
import static io.skiff.store.mvcc.Protos.only;
import static io.skiff.store.mvcc.Protos.op;
import static io.skiff.store.mvcc.Protos.put;
import static io.skiff.store.mvcc.Protos.range;
import static io.skiff.store.mvcc.Protos.req;
import static io.skiff.store.mvcc.Protos.timeToLive;
import static io.skiff.store.mvcc.Protos.txn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skiff.proto.etcd.Compare;
import io.skiff.proto.etcd.Compare.CompareResult;
import io.skiff.proto.etcd.Compare.CompareTarget;
import io.skiff.proto.etcd.LeaseLeasesRequest;
import io.skiff.proto.etcd.RequestOp;
import io.skiff.proto.store.LogEntry;
import io.skiff.proto.store.LogEntryResult;
import io.skiff.proto.store.StoreRequest;
import io.skiff.proto.store.StoreResponse;
import io.skiff.store.ErrorCode;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The facade: garbage in a log entry is an error response, never an exception, and never a partial write. */
class StoreStateTest {
  private StoreState state;

  @BeforeEach
  void setUp() {
    state = Protos.newState();
    applyOk(state, req(put("k", "v")));
  }

  @AfterEach
  void tearDown() {
    state.close();
  }

  static Stream<Arguments> notWrites() {
    return Stream.of(
        Arguments.of("an empty request", StoreRequest.getDefaultInstance(), "REQUEST_NOT_SET"),
        Arguments.of("a range", req(get("k")), "RANGE"),
        Arguments.of("a lease time-to-live", timeToLive(1, true), "LEASE_TIME_TO_LIVE"),
        Arguments.of("a leases list",
            StoreRequest.newBuilder().setLeaseLeases(LeaseLeasesRequest.getDefaultInstance()).build(), "LEASE_LEASES"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("notWrites")
  void aRequestThatIsNoWriteIsAnErrorResponse(String name, StoreRequest request, String kind) {
    LogEntryResult result = state.apply(entry(0, request));
    assertEquals(1, result.getResponsesCount());
    assertError(result.getResponses(0), ErrorCode.INVALID_ARGUMENT, "etcdserver: not a write request: " + kind);
    assertEquals(2, state.revision());
  }

  @Test
  void eachRequestOfAnEntryStandsAlone() {
    LogEntryResult result = state.apply(entry(0,
        StoreRequest.getDefaultInstance(), req(put("a", "1")), req(get("a")), req(put("b", "1", 404)),
        req(put("c", "1"))));
    List<Boolean> errors = result.getResponsesList().stream().map(StoreResponse::hasError).toList();
    assertEquals(List.of(true, false, true, true, false), errors);
    assertEquals(3, result.getResponses(1).getPut().getHeader().getRevision());
    assertEquals(4, result.getResponses(4).getPut().getHeader().getRevision());
    assertEquals(List.of("a", "c", "k"), keys(range(state, all().build())));
  }

  @Test
  void anEmptyEntryHasNoResponses() {
    assertEquals(0, state.apply(LogEntry.getDefaultInstance()).getResponsesCount());
    assertEquals(2, state.revision());
  }

  static Stream<Arguments> garbageTxns() {
    Compare badTarget = cmp("k", CompareTarget.VALUE, CompareResult.EQUAL).setTargetValue(99).build();
    return Stream.of(
        Arguments.of("an empty op after a put", txn(op(put("a", "1")), RequestOp.getDefaultInstance()),
            "etcdserver: empty request in txn"),
        Arguments.of("an empty op in a nested txn after a put",
            txn(op(put("a", "1")), op(txn(op(delete("k")), RequestOp.getDefaultInstance()))),
            "etcdserver: empty request in txn"),
        Arguments.of("an unknown compare target", txn(List.of(badTarget), List.of(op(put("a", "1"))), List.of()),
            "etcdserver: unknown compare target 99"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("garbageTxns")
  void aGarbageTxnIsAnErrorResponseAndWritesNothing(String name, io.skiff.proto.etcd.TxnRequest txn,
      String message) {
    long size = state.sizeBytes();
    assertError(Protos.apply(state, req(txn)), ErrorCode.INVALID_ARGUMENT, message);
    assertEquals(2, state.revision());
    assertEquals(size, state.sizeBytes());
    assertEquals(List.of("k"), keys(range(state, all().build())));
    // the next write is clean: revision 3, a's first version
    applyOk(state, req(put("a", "after")));
    var a = only(range(state, get("a")));
    assertEquals(3, a.getModRevision());
    assertEquals(1, a.getVersion());
    assertEquals(3, a.getCreateRevision());
    assertEquals(0, range(state, all().setRevision(2).build()).getKvsList().stream()
        .filter(kv -> kv.getKey().equals(bs("a"))).count());
  }

  @Test
  void anUnknownCompareResultNeverHolds() {
    Compare odd = cmp("k", CompareTarget.VALUE, CompareResult.EQUAL).setValue(bs("v")).setResultValue(42).build();
    StoreResponse resp = applyOk(state, req(txn(List.of(odd), List.of(op(put("a", "1"))), List.of())));
    assertFalse(resp.getTxn().getSucceeded());
  }

  @Test
  void queriesServeReadsAndRefuseWrites() {
    assertError(state.query(req(put("a", "1")), 0), ErrorCode.INVALID_ARGUMENT,
        "etcdserver: not a read request: PUT");
    assertError(state.query(StoreRequest.getDefaultInstance(), 0), ErrorCode.INVALID_ARGUMENT,
        "etcdserver: not a read request: REQUEST_NOT_SET");
    assertError(state.query(req(txn(op(get("k")), op(put("a", "1")))), 0), ErrorCode.INVALID_ARGUMENT,
        "etcdserver: a txn that writes is not a read");
    StoreResponse read = state.query(req(txn(op(get("k")))), 0);
    assertTrue(read.getTxn().getSucceeded());
    assertEquals("v", only(read.getTxn().getResponses(0).getResponseRange()).getValue().toStringUtf8());
    assertEquals(2, read.getTxn().getHeader().getRevision());
    assertEquals(2, state.revision());
  }
}
