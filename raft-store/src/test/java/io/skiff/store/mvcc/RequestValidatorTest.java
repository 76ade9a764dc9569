package io.skiff.store.mvcc;

import static io.skiff.store.mvcc.Protos.DUPLICATE_KEY;
import static io.skiff.store.mvcc.Protos.ZERO;
import static io.skiff.store.mvcc.Protos.assertStoreException;
import static io.skiff.store.mvcc.Protos.bs;
import static io.skiff.store.mvcc.Protos.cmp;
import static io.skiff.store.mvcc.Protos.delete;
import static io.skiff.store.mvcc.Protos.get;
import static io.skiff.store.mvcc.Protos.op;
import static io.skiff.store.mvcc.Protos.put;
import static io.skiff.store.mvcc.Protos.txn;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;

import com.google.protobuf.ByteString;
import io.skiff.proto.etcd.Compare;
import io.skiff.proto.etcd.Compare.CompareResult;
import io.skiff.proto.etcd.Compare.CompareTarget;
import io.skiff.proto.etcd.DeleteRangeRequest;
import io.skiff.proto.etcd.LeaseGrantRequest;
import io.skiff.proto.etcd.PutRequest;
import io.skiff.proto.etcd.RangeRequest;
import io.skiff.proto.etcd.RequestOp;
import io.skiff.proto.etcd.TxnRequest;
import io.skiff.store.ErrorCode;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The stateless checks made before a request reaches the log, with etcd's errors. */
class RequestValidatorTest {
  private static final int MAX_OPS = 4;
  private static final int MAX_BYTES = 256;
  private final RequestValidator validator = new RequestValidator(MAX_OPS, MAX_BYTES);

  /** A txn and the error it must be refused with, or null when it is fine. */
  record Case(String name, TxnRequest txn, String error) {
    @Override
    public String toString() {
      return name;
    }
  }

  private static Case ok(String name, TxnRequest txn) {
    return new Case(name, txn, null);
  }

  private static Case dup(String name, TxnRequest txn) {
    return new Case(name, txn, DUPLICATE_KEY);
  }

  private static final String TOO_MANY = "etcdserver: too many operations in txn request";
  private static final String EMPTY_KEY = "etcdserver: key is not provided";

  private static List<RequestOp> gets(int n) {
    return Collections.nCopies(n, op(get("a")));
  }

  private static TxnRequest branches(List<RequestOp> success, List<RequestOp> failure) {
    return txn(List.of(), success, failure);
  }

  private static Compare compare(String key) {
    return cmp(key, CompareTarget.VERSION, CompareResult.EQUAL).build();
  }

  private static DeleteRangeRequest deleteRange(String from, String to) {
    return delete(from, bs(to));
  }

  static Stream<Case> txns() {
    Compare c = compare("a");
    return Stream.of(
        // operation counts: each of compares, success and failure may hold up to the maximum
        ok("max compares", txn(Collections.nCopies(MAX_OPS, c), List.of(), List.of())),
        ok("max success and max failure ops", branches(gets(MAX_OPS), gets(MAX_OPS))),
        new Case("too many compares", txn(Collections.nCopies(MAX_OPS + 1, c), List.of(), List.of()), TOO_MANY),
        new Case("too many success ops", branches(gets(MAX_OPS + 1), List.of()), TOO_MANY),
        new Case("too many failure ops", branches(List.of(), gets(MAX_OPS + 1)), TOO_MANY),
        // as etcd, a nested txn gets the maximum less its parent's ops (checked against etcd 3.4.23)
        new Case("too many ops in a nested txn", txn(op(txn(gets(MAX_OPS + 1).toArray(RequestOp[]::new)))),
            TOO_MANY),
        ok("a nested txn within its parent's remaining budget",
            txn(op(txn(gets(MAX_OPS - 1).toArray(RequestOp[]::new))))),
        new Case("a nested txn over its parent's remaining budget",
            txn(op(txn(gets(MAX_OPS).toArray(RequestOp[]::new)))), TOO_MANY),
        new Case("the budget shrinks at each level", txn(op(get("a")), op(txn(op(get("a")),
            op(txn(gets(MAX_OPS - 3).toArray(RequestOp[]::new))), op(get("a"))))), TOO_MANY),
        ok("the budget at each level, just enough", txn(op(txn(op(txn(gets(MAX_OPS - 3)
            .toArray(RequestOp[]::new))), op(get("a")))))),
        // empty keys anywhere
        new Case("compare on an empty key", txn(List.of(compare("")), List.of(), List.of()), EMPTY_KEY),
        new Case("put of an empty key", txn(op(put("", "v"))), EMPTY_KEY),
        new Case("range of an empty key", txn(op(get(""))), EMPTY_KEY),
        new Case("delete of an empty key", branches(List.of(), List.of(op(delete("")))), EMPTY_KEY),
        new Case("empty key in a nested txn", txn(op(txn(op(put("", "v"))))), EMPTY_KEY),
        // etcd 3.4 answers an empty op with "key not found" (checked against 3.4.23)
        new Case("an empty op", txn(RequestOp.getDefaultInstance()), "etcdserver: key not found"),
        new Case("an empty op in a nested txn", txn(op(txn(RequestOp.getDefaultInstance()))),
            "etcdserver: key not found"),
        // duplicate puts, and puts that overlap deletes, in one branch path
        dup("the same key put twice", txn(op(put("a", "1")), op(put("a", "2")))),
        ok("the same key put in success and in failure", branches(List.of(op(put("a", "1"))),
            List.of(op(put("a", "2"))))),
        ok("different keys", txn(op(put("a", "1")), op(put("b", "2")), op(delete("c")))),
        dup("put and delete of one key", txn(op(put("a", "1")), op(delete("a")))),
        dup("delete then put of one key", txn(op(delete("a")), op(put("a", "1")))),
        dup("put inside a deleted range", txn(op(deleteRange("a", "c")), op(put("b", "1")))),
        dup("put at the start of a deleted range", txn(op(put("a", "1")), op(deleteRange("a", "c")))),
        ok("put at the end of a deleted range", txn(op(put("c", "1")), op(deleteRange("a", "c")))),
        dup("put under an unbounded delete", txn(op(put("zz", "1")), op(delete("m", ZERO)))),
        ok("put before an unbounded delete", txn(op(put("a", "1")), op(delete("m", ZERO)))),
        ok("overlapping deletes", txn(op(deleteRange("a", "m")), op(deleteRange("c", "z")),
            op(delete("d")))),
        ok("put and range of one key", txn(op(put("a", "1")), op(get("a")))),
        // nested txns (etcd's checkIntervals)
        dup("put here and in a nested txn", txn(op(put("a", "1")), op(txn(op(put("a", "2")))))),
        dup("put in a nested txn and here", txn(op(txn(op(put("a", "2")))), op(put("a", "1")))),
        dup("delete here, put in a nested txn", txn(op(delete("a")), op(txn(op(put("a", "2")))))),
        dup("put here, delete in a nested txn", txn(op(put("a", "1")), op(txn(op(delete("a")))))),
        dup("put and delete in one nested branch", txn(op(txn(op(put("a", "1")), op(delete("a")))))),
        ok("nested success and failure put the same key", txn(op(branches(List.of(op(put("a", "1"))),
            List.of(op(put("a", "2"))))))),
        ok("nested success puts what nested failure deletes",
            txn(op(branches(List.of(op(put("a", "1"))), List.of(op(delete("a"))))))),
        ok("nested success deletes what nested failure puts",
            txn(op(branches(List.of(op(deleteRange("a", "c"))), List.of(op(put("b", "1"))))))),
        dup("two nested txns put the same key", txn(op(txn(op(put("a", "1")))), op(txn(op(put("a", "2")))))),
        dup("a nested txn deletes what a later one puts",
            txn(op(txn(op(delete("a")))), op(txn(op(put("a", "2")))))),
        ok("a nested txn puts what a later one deletes (etcd allows it)",
            txn(op(txn(op(put("a", "1")))), op(txn(op(delete("a")))))),
        dup("a failure-branch put clashes with an earlier nested put",
            txn(op(txn(op(put("a", "1")))), op(branches(List.of(), List.of(op(put("a", "2"))))))),
        dup("two levels down", txn(op(put("a", "1")), op(txn(op(txn(op(put("a", "2")))))))),
        ok("duplicates across top-level branches never meet", branches(
            List.of(op(put("a", "1")), op(txn(op(put("b", "1"))))),
            List.of(op(delete("a")), op(put("b", "2"))))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("txns")
  void checkTxn(Case c) {
    if (c.error() == null) {
      assertDoesNotThrow(() -> validator.check(c.txn()));
    } else {
      assertStoreException(ErrorCode.INVALID_ARGUMENT, c.error(), () -> validator.check(c.txn()));
    }
  }

  @Test
  void emptyKeysOfPlainRequests() {
    assertStoreException(ErrorCode.INVALID_ARGUMENT, EMPTY_KEY, () -> validator.check(put("", "v")));
    assertStoreException(ErrorCode.INVALID_ARGUMENT, EMPTY_KEY, () -> validator.check(get("")));
    assertStoreException(ErrorCode.INVALID_ARGUMENT, EMPTY_KEY, () -> validator.check(delete("")));
    assertStoreException(ErrorCode.INVALID_ARGUMENT, EMPTY_KEY,
        () -> validator.check(RangeRequest.newBuilder().setRangeEnd(ZERO).build()));
    assertDoesNotThrow(() -> validator.check(RangeRequest.newBuilder().setKey(ZERO).setRangeEnd(ZERO).build()));
  }

  @Test
  void ignoreFlagsRefuseWhatTheyIgnore() {
    assertStoreException(ErrorCode.INVALID_ARGUMENT, "etcdserver: value is provided",
        () -> validator.check(put("a", "v").toBuilder().setIgnoreValue(true).build()));
    assertStoreException(ErrorCode.INVALID_ARGUMENT, "etcdserver: lease is provided",
        () -> validator.check(put("a", "v", 5).toBuilder().setIgnoreLease(true).build()));
    assertStoreException(ErrorCode.INVALID_ARGUMENT, "etcdserver: value is provided",
        () -> validator.check(txn(op(put("a", "v").toBuilder().setIgnoreValue(true).build()))));
    assertDoesNotThrow(() -> validator.check(put("a", "").toBuilder().setIgnoreValue(true).setIgnoreLease(true)
        .build()));
  }

  /**
   * Over the limit is RESOURCE_EXHAUSTED, Skiff's one code for size limits. (etcd 3.4 answers
   * InvalidArgument in the 512 KiB band above --max-request-bytes and gRPC's ResourceExhausted past it.)
   */
  @Test
  void oversizeRequestsAreRefused() {
    String big = "x".repeat(MAX_BYTES);
    String message = "etcdserver: request is too large";
    PutRequest fits = put("k", "x".repeat(MAX_BYTES - 10));
    assertDoesNotThrow(() -> validator.check(fits));
    assertStoreException(ErrorCode.RESOURCE_EXHAUSTED, message, () -> validator.check(put("k", big)));
    assertStoreException(ErrorCode.RESOURCE_EXHAUSTED, message, () -> validator.check(txn(op(put("k", big)))));
    assertStoreException(ErrorCode.RESOURCE_EXHAUSTED, message, () -> validator.check(get(big)));
    assertStoreException(ErrorCode.RESOURCE_EXHAUSTED, message, () -> validator.check(delete(big)));
    assertStoreException(ErrorCode.RESOURCE_EXHAUSTED, message,
        () -> validator.checkSize(RangeRequest.newBuilder().setKey(ByteString.copyFrom(new byte[MAX_BYTES])).build()));
  }

  @Test
  void leaseTtlIsBounded() {
    assertDoesNotThrow(() -> validator.check(LeaseGrantRequest.newBuilder()
        .setTTL(RequestValidator.MAX_LEASE_TTL_SECONDS).build()));
    assertStoreException(ErrorCode.OUT_OF_RANGE, "etcdserver: too large lease TTL",
        () -> validator.check(LeaseGrantRequest.newBuilder().setTTL(RequestValidator.MAX_LEASE_TTL_SECONDS + 1)
            .build()));
  }
}
