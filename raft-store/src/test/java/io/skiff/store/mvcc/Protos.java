package io.skiff.store.mvcc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.skiff.proto.etcd.CompactionRequest;
import io.skiff.proto.etcd.Compare;
import io.skiff.proto.etcd.DeleteRangeRequest;
import io.skiff.proto.etcd.LeaseGrantRequest;
import io.skiff.proto.etcd.LeaseKeepAliveRequest;
import io.skiff.proto.etcd.LeaseRevokeRequest;
import io.skiff.proto.etcd.LeaseTimeToLiveRequest;
import io.skiff.proto.etcd.PutRequest;
import io.skiff.proto.etcd.RangeRequest;
import io.skiff.proto.etcd.RangeResponse;
import io.skiff.proto.etcd.RequestOp;
import io.skiff.proto.etcd.TxnRequest;
import io.skiff.proto.mvcc.KeyValue;
import io.skiff.proto.store.LeaseExpireRequest;
import io.skiff.proto.store.LogEntry;
import io.skiff.proto.store.StoreRequest;
import io.skiff.proto.store.StoreResponse;
import io.skiff.store.ErrorCode;
import io.skiff.store.StoreException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.function.Executable;

/** Short builders for the etcd protobufs the MVCC tests send, and a few shared assertions. */
final class Protos {
  static final long QUOTA = 1L << 30;
  static final ByteString ZERO = ByteString.copyFrom(new byte[] {0});

  private Protos() {
  }

  static ByteString bs(String s) {
    return ByteString.copyFromUtf8(s);
  }

  static String str(ByteString b) {
    return b.toStringUtf8();
  }

  static StoreState newState() {
    return new StoreState(QUOTA, Duration.ofSeconds(60));
  }

  // ------------------------------------------------------------ KV requests

  static PutRequest put(String key, String value) {
    return PutRequest.newBuilder().setKey(bs(key)).setValue(bs(value)).build();
  }

  static PutRequest put(String key, String value, long lease) {
    return put(key, value).toBuilder().setLease(lease).build();
  }

  static DeleteRangeRequest delete(String key) {
    return DeleteRangeRequest.newBuilder().setKey(bs(key)).build();
  }

  static DeleteRangeRequest delete(String key, ByteString end) {
    return DeleteRangeRequest.newBuilder().setKey(bs(key)).setRangeEnd(end).build();
  }

  static RangeRequest get(String key) {
    return RangeRequest.newBuilder().setKey(bs(key)).build();
  }

  static RangeRequest getAt(String key, long revision) {
    return RangeRequest.newBuilder().setKey(bs(key)).setRevision(revision).build();
  }

  /** Every key, as {@code etcdctl get --from-key ""} would ask: key "\0", end "\0". */
  static RangeRequest.Builder all() {
    return RangeRequest.newBuilder().setKey(ZERO).setRangeEnd(ZERO);
  }

  static RangeRequest.Builder prefix(String prefix) {
    return RangeRequest.newBuilder().setKey(bs(prefix)).setRangeEnd(KeyRange.prefixEnd(bs(prefix)));
  }

  static CompactionRequest compaction(long revision) {
    return CompactionRequest.newBuilder().setRevision(revision).build();
  }

  // ------------------------------------------------------------ txn parts

  static RequestOp op(PutRequest r) {
    return RequestOp.newBuilder().setRequestPut(r).build();
  }

  static RequestOp op(DeleteRangeRequest r) {
    return RequestOp.newBuilder().setRequestDeleteRange(r).build();
  }

  static RequestOp op(RangeRequest r) {
    return RequestOp.newBuilder().setRequestRange(r).build();
  }

  static RequestOp op(TxnRequest r) {
    return RequestOp.newBuilder().setRequestTxn(r).build();
  }

  static TxnRequest txn(List<Compare> compares, List<RequestOp> success, List<RequestOp> failure) {
    return TxnRequest.newBuilder().addAllCompare(compares).addAllSuccess(success).addAllFailure(failure).build();
  }

  static TxnRequest txn(RequestOp... success) {
    return TxnRequest.newBuilder().addAllSuccess(Arrays.asList(success)).build();
  }

  static Compare.Builder cmp(String key, Compare.CompareTarget target, Compare.CompareResult result) {
    return Compare.newBuilder().setKey(bs(key)).setTarget(target).setResult(result);
  }

  // ------------------------------------------------------------ log entries

  static StoreRequest req(PutRequest r) {
    return StoreRequest.newBuilder().setPut(r).build();
  }

  static StoreRequest req(DeleteRangeRequest r) {
    return StoreRequest.newBuilder().setDeleteRange(r).build();
  }

  static StoreRequest req(TxnRequest r) {
    return StoreRequest.newBuilder().setTxn(r).build();
  }

  static StoreRequest req(RangeRequest r) {
    return StoreRequest.newBuilder().setRange(r).build();
  }

  static StoreRequest req(CompactionRequest r) {
    return StoreRequest.newBuilder().setCompaction(r).build();
  }

  static StoreRequest grant(long id, long ttlSeconds) {
    return StoreRequest.newBuilder().setLeaseGrant(LeaseGrantRequest.newBuilder().setID(id).setTTL(ttlSeconds)).build();
  }

  static StoreRequest revoke(long id) {
    return StoreRequest.newBuilder().setLeaseRevoke(LeaseRevokeRequest.newBuilder().setID(id)).build();
  }

  static StoreRequest keepAlive(long id) {
    return StoreRequest.newBuilder().setLeaseKeepAlive(LeaseKeepAliveRequest.newBuilder().setID(id)).build();
  }

  static StoreRequest expire(long id) {
    return StoreRequest.newBuilder().setLeaseExpire(LeaseExpireRequest.newBuilder().setID(id)).build();
  }

  static StoreRequest timeToLive(long id, boolean keys) {
    return StoreRequest.newBuilder()
        .setLeaseTimeToLive(LeaseTimeToLiveRequest.newBuilder().setID(id).setKeys(keys)).build();
  }

  static LogEntry entry(long nowMillis, StoreRequest... requests) {
    return LogEntry.newBuilder().setNowUnixMillis(nowMillis).addAllRequests(Arrays.asList(requests)).build();
  }

  /** Applies one request in its own entry and returns its response. */
  static StoreResponse apply(StoreState state, StoreRequest request) {
    return state.apply(entry(0, request)).getResponses(0);
  }

  /** Applies one request that must succeed. */
  static StoreResponse applyOk(StoreState state, StoreRequest request) {
    StoreResponse resp = apply(state, request);
    assertTrue(!resp.hasError(), () -> "unexpected error: " + resp.getError());
    return resp;
  }

  static RangeResponse range(StoreState state, RangeRequest r) {
    StoreResponse resp = state.query(req(r), 0);
    assertTrue(!resp.hasError(), () -> "unexpected error: " + resp.getError());
    return resp.getRange();
  }

  // ------------------------------------------------------------ assertions

  static List<String> keys(RangeResponse r) {
    return r.getKvsList().stream().map(kv -> str(kv.getKey())).toList();
  }

  static List<String> values(RangeResponse r) {
    return r.getKvsList().stream().map(kv -> str(kv.getValue())).toList();
  }

  static KeyValue only(RangeResponse r) {
    assertEquals(1, r.getKvsCount(), () -> "expected one key, got " + r.getKvsList());
    return r.getKvs(0);
  }

  static void assertError(StoreResponse resp, ErrorCode code, String message) {
    assertTrue(resp.hasError(), () -> "expected " + code + " but got " + resp);
    assertEquals(code.grpcCode, resp.getError().getCode(), () -> "code of " + resp.getError());
    assertEquals(message, resp.getError().getMessage());
  }

  static StoreException assertStoreException(ErrorCode code, String message, Executable call) {
    StoreException e = assertThrows(StoreException.class, call);
    assertEquals(code, e.code(), e::getMessage);
    assertEquals(message, e.getMessage());
    return e;
  }

  static final String COMPACTED = "etcdserver: mvcc: required revision has been compacted";
  static final String FUTURE = "etcdserver: mvcc: required revision is a future revision";
  static final String KEY_NOT_FOUND = "etcdserver: key not found";
  static final String LEASE_NOT_FOUND = "etcdserver: requested lease not found";
  static final String DUPLICATE_KEY = "etcdserver: duplicate key given in txn request";
}
