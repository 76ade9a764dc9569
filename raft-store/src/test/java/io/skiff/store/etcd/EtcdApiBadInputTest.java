package io.skiff.store.etcd;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnknownFieldSet;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import io.skiff.proto.etcd.CompactionRequest;
import io.skiff.proto.etcd.DeleteRangeRequest;
import io.skiff.proto.etcd.KVGrpc;
import io.skiff.proto.etcd.LeaseGrpc;
import io.skiff.proto.etcd.LeaseKeepAliveRequest;
import io.skiff.proto.etcd.LeaseKeepAliveResponse;
import io.skiff.proto.etcd.LeaseRevokeRequest;
import io.skiff.proto.etcd.LeaseTimeToLiveRequest;
import io.skiff.proto.etcd.LeaseTimeToLiveResponse;
import io.skiff.proto.etcd.PutRequest;
import io.skiff.proto.etcd.PutResponse;
import io.skiff.proto.etcd.RangeRequest;
import io.skiff.proto.etcd.RangeResponse;
import io.skiff.proto.etcd.RequestOp;
import io.skiff.proto.etcd.TxnRequest;
import io.skiff.proto.etcd.WatchCancelRequest;
import io.skiff.proto.etcd.WatchCreateRequest;
import io.skiff.proto.etcd.WatchProgressRequest;
import io.skiff.proto.etcd.WatchRequest;
import io.skiff.proto.etcd.WatchResponse;
import io.skiff.proto.mvcc.Event;
import io.skiff.proto.mvcc.KeyValue;
import io.skiff.store.StoreConfig;
import io.skiff.store.mvcc.KeyRange;
import io.skiff.store.raft.StorePeer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;

/**
 * Bad input on the wire: one real single-peer store behind its etcd endpoint on Netty, wired as
 * the server main wires it, and a real gRPC client. Every refused request must fail with etcd's
 * code and text, write nothing (same revision, same keys), and leave the peer serving; the last
 * test checks the revision is the initial one plus exactly the writes that succeeded.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(60)
class EtcdApiBadInputTest {
  private static final long CALL_TIMEOUT_SECONDS = 10;
  private static final int MAX_REQUEST_BYTES = StoreConfig.DEFAULT_MAX_REQUEST_BYTES;

  /** Byte strings no protobuf parser accepts, each for a different reason. */
  private static final List<byte[]> GARBAGE = List.of(
      new byte[] {0x00},                                   // field number 0
      new byte[] {0x0f},                                   // wire type 7 does not exist
      new byte[] {0x0a, 0x7f, 'x'},                        // field 1 says 127 bytes follow; 1 does
      new byte[] {-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1}, // a tag varint longer than 10 bytes
      "GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));

  /**
   * What a message that does not parse may be answered with: grpc-java says UNKNOWN ("Application
   * error processing RPC", grpc-java issue 11246), grpc-go and so etcd INTERNAL.
   */
  private static final Set<Status.Code> UNPARSABLE = EnumSet.of(Status.Code.UNKNOWN, Status.Code.INTERNAL,
      Status.Code.INVALID_ARGUMENT);

  private SinglePeerEndpoint endpoint;
  private StorePeer peer;
  private ManagedChannel channel;
  private long initialRevision;
  /** Writes that succeeded, each advancing the revision by one. */
  private int successfulWrites;

  @BeforeAll
  void startPeerAndEndpoint() throws IOException {
    endpoint = SinglePeerEndpoint.start("badinput");
    peer = endpoint.peer;
    channel = endpoint.channel;
    initialRevision = revision();
  }

  @AfterAll
  void stop() throws Exception {
    if (endpoint != null) {
      endpoint.close();
    }
  }

  // ------------------------------------------------------------------ malformed messages

  @Test
  @Order(1)
  void garbageBytesOnUnaryCallsAreRefusedAndWriteNothing() {
    for (String method : List.of("etcdserverpb.KV/Put", "etcdserverpb.KV/Txn", "etcdserverpb.KV/Range")) {
      for (byte[] garbage : GARBAGE) {
        assertRefused(UNPARSABLE, "", "",
            () -> ClientCalls.blockingUnaryCall(channel, raw(method, MethodDescriptor.MethodType.UNARY), options(), garbage));
      }
    }
    assertServes("after-garbage");
  }

  @Test
  @Order(2)
  void garbageOnAWatchStreamEndsThatStreamAndItsWatcher() throws Exception {
    int watchersBefore = peer.watchers();
    RawStream stream = new RawStream(raw("etcdserverpb.Watch/Watch", MethodDescriptor.MethodType.BIDI_STREAMING));
    stream.send(WatchRequest.newBuilder().setCreateRequest(WatchCreateRequest.newBuilder().setKey(bytes("garbage-watch")))
        .build().toByteArray());
    assertTrue(WatchResponse.parseFrom(stream.next()).getCreated());
    await().atMost(Duration.ofSeconds(CALL_TIMEOUT_SECONDS)).until(() -> peer.watchers() == watchersBefore + 1);
    long before = revision();
    for (byte[] garbage : GARBAGE) {
      stream.send(garbage);
    }
    Status status = stream.closed.get(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    assertTrue(UNPARSABLE.contains(status.getCode()), () -> "status " + status);
    assertEquals(before, revision());
    // the watcher of the ended stream goes with it
    await().atMost(Duration.ofSeconds(CALL_TIMEOUT_SECONDS)).until(() -> peer.watchers() == watchersBefore);
    assertServes("after-garbage-watch");
    // a new stream on the same connection watches as usual
    try (WatchClient watch = new WatchClient(channel, Duration.ofSeconds(CALL_TIMEOUT_SECONDS))) {
      long id = watch.create(WatchCreateRequest.newBuilder().setKey(bytes("garbage-watch")));
      put("garbage-watch", "v");
      WatchResponse events = watch.next();
      assertEquals(id, events.getWatchId());
      assertEquals("v", events.getEvents(0).getKv().getValue().toStringUtf8());
    }
  }

  @Test
  @Order(3)
  void unknownFieldsAreIgnoredAndTheValueIsStored() throws InvalidProtocolBufferException {
    UnknownFieldSet unknown = UnknownFieldSet.newBuilder()
        .addField(99, UnknownFieldSet.Field.newBuilder().addVarint(42).build())
        .addField(100, UnknownFieldSet.Field.newBuilder().addLengthDelimited(bytes("from a newer client")).build())
        .addField(101, UnknownFieldSet.Field.newBuilder().addFixed64(7).build())
        .addField(102, UnknownFieldSet.Field.newBuilder().addFixed32(8).build())
        .build();
    byte[] wire = putRequest("unknown-fields", "stored").toBuilder().setUnknownFields(unknown).build().toByteArray();
    long before = revision();

    byte[] reply = ClientCalls.blockingUnaryCall(channel, raw("etcdserverpb.KV/Put", MethodDescriptor.MethodType.UNARY),
        options(), wire);
    successfulWrites++;

    assertEquals(before + 1, PutResponse.parseFrom(reply).getHeader().getRevision());
    KeyValue kv = get("unknown-fields");
    assertEquals("stored", kv.getValue().toStringUtf8());
    assertEquals(before + 1, kv.getModRevision());
  }

  // ------------------------------------------------------------------ limits

  @Test
  @Order(4)
  void oversizeRequestsAreRefusedByTheStoreOrByGrpc() {
    PutRequest largest = putRequest("oversize-largest", "");
    int largestValue = MAX_REQUEST_BYTES - largest.getSerializedSize() - 4; // tag and 3-byte length of the value
    largest = largest.toBuilder().setValue(ByteString.copyFrom(new byte[largestValue])).build();
    assertEquals(MAX_REQUEST_BYTES, largest.getSerializedSize());
    PutRequest exactLimit = largest;
    assertEquals(revision() + 1, kv().put(exactLimit).getHeader().getRevision());
    successfulWrites++;

    // over the store's limit, under gRPC's: the validator refuses it with etcd's text
    assertRefused(Status.Code.RESOURCE_EXHAUSTED, "etcdserver: request is too large", "oversize-small",
        () -> kv().put(putRequest("oversize-small", new byte[MAX_REQUEST_BYTES + 1])));
    // over gRPC's inbound limit (the store's plus 512 KiB): gRPC refuses it before any handler runs
    assertRefused(Status.Code.RESOURCE_EXHAUSTED, "", "oversize-huge",
        () -> kv().put(putRequest("oversize-huge", new byte[3 * 1024 * 1024])));
    assertServes("after-oversize");
  }

  @Test
  @Order(5)
  void txnWithTooManyOpsOrADuplicateKeyWritesNothing() {
    assertEquals(revision() + 1, kv().txn(txnOfPuts("txn-max-", 128)).getHeader().getRevision());
    successfulWrites++;
    assertEquals(128, count("txn-max-"));

    assertRefused(Status.Code.INVALID_ARGUMENT, "etcdserver: too many operations in txn request", "txn-many-",
        () -> kv().txn(txnOfPuts("txn-many-", 129)));
    assertRefused(Status.Code.INVALID_ARGUMENT, "etcdserver: duplicate key given in txn request", "txn-dup",
        () -> kv().txn(TxnRequest.newBuilder()
            .addSuccess(putOp("txn-dup", "a"))
            .addSuccess(putOp("txn-dup-other", "b"))
            .addSuccess(putOp("txn-dup", "c"))
            .build()));
    put("txn-dup-existing", "before");
    assertRefused(Status.Code.INVALID_ARGUMENT, "etcdserver: duplicate key given in txn request", "txn-dup",
        () -> kv().txn(TxnRequest.newBuilder()
            .addFailure(putOp("txn-dup-existing", "a"))
            .addFailure(putOp("txn-dup-existing", "b"))
            .build()));
  }

  @Test
  @Order(6)
  void emptyKeyIsRefused() {
    String noKey = "etcdserver: key is not provided";
    assertRefused(Status.Code.INVALID_ARGUMENT, noKey, "", () -> kv().put(putRequest("", "v")));
    assertRefused(Status.Code.INVALID_ARGUMENT, noKey, "", () -> kv().range(RangeRequest.getDefaultInstance()));
    assertRefused(Status.Code.INVALID_ARGUMENT, noKey, "",
        () -> kv().range(RangeRequest.newBuilder().setRangeEnd(bytes("z")).setSerializable(true).build()));
    assertRefused(Status.Code.INVALID_ARGUMENT, noKey, "", () -> kv().deleteRange(DeleteRangeRequest.getDefaultInstance()));
    assertRefused(Status.Code.INVALID_ARGUMENT, noKey, "",
        () -> kv().deleteRange(DeleteRangeRequest.newBuilder().setRangeEnd(bytes("\0")).build()));
  }

  // ------------------------------------------------------------------ revisions

  @Test
  @Order(7)
  void readsAtFutureOrCompactedRevisionsAndRepeatedCompactionsAreOutOfRange() {
    long future = revision() + 10;
    for (boolean serializable : new boolean[] {false, true}) {
      assertRefused(Status.Code.OUT_OF_RANGE, "etcdserver: mvcc: required revision is a future revision", "",
          () -> kv().range(get("compact-key", future).toBuilder().setSerializable(serializable).build()));
    }

    long first = put("compact-key", "v1");
    long second = put("compact-key", "v2");
    assertRefused(Status.Code.OUT_OF_RANGE, "etcdserver: mvcc: required revision is a future revision", "",
        () -> kv().compact(CompactionRequest.newBuilder().setRevision(second + 1).build()));
    kv().compact(CompactionRequest.newBuilder().setRevision(second).build());
    assertEquals(second, revision(), "a compaction writes no revision");

    assertRefused(Status.Code.OUT_OF_RANGE, "etcdserver: mvcc: required revision has been compacted", "",
        () -> kv().range(get("compact-key", first)));
    assertEquals("v2", kv().range(get("compact-key", second)).getKvs(0).getValue().toStringUtf8());
    assertRefused(Status.Code.OUT_OF_RANGE, "etcdserver: mvcc: required revision has been compacted", "",
        () -> kv().compact(CompactionRequest.newBuilder().setRevision(second).build()));
    assertRefused(Status.Code.OUT_OF_RANGE, "etcdserver: mvcc: required revision has been compacted", "",
        () -> kv().compact(CompactionRequest.newBuilder().setRevision(first).build()));
  }

  // ------------------------------------------------------------------ leases

  @Test
  @Order(8)
  void unknownLeasesAreNotFoundOrExpired() throws Exception {
    long unknown = 0x5eed_0bad_1ea5eL;
    String notFound = "etcdserver: requested lease not found";
    assertRefused(Status.Code.NOT_FOUND, notFound, "lease-key",
        () -> kv().put(putRequest("lease-key", "v").toBuilder().setLease(unknown).build()));
    put("lease-key-existing", "kept");
    assertRefused(Status.Code.NOT_FOUND, notFound, "lease-key",
        () -> kv().put(putRequest("lease-key-existing", "replaced").toBuilder().setLease(unknown).build()));
    assertRefused(Status.Code.NOT_FOUND, notFound, "lease-key",
        () -> kv().txn(TxnRequest.newBuilder()
            .addSuccess(putOp("lease-key-in-txn", "v"))
            .addSuccess(RequestOp.newBuilder().setRequestPut(putRequest("lease-key-other", "v").toBuilder().setLease(unknown)))
            .build()));
    assertRefused(Status.Code.NOT_FOUND, notFound, "",
        () -> lease().leaseRevoke(LeaseRevokeRequest.newBuilder().setID(unknown).build()));

    LeaseTimeToLiveResponse ttl = lease().leaseTimeToLive(LeaseTimeToLiveRequest.newBuilder().setID(unknown).setKeys(true).build());
    assertEquals(-1, ttl.getTTL());
    assertEquals(unknown, ttl.getID());

    BlockingQueue<LeaseKeepAliveResponse> answers = new LinkedBlockingQueue<>();
    CompletableFuture<Status> ended = new CompletableFuture<>();
    StreamObserver<LeaseKeepAliveRequest> keepAlive = LeaseGrpc.newStub(channel)
        .withDeadlineAfter(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS)
        .leaseKeepAlive(SinglePeerEndpoint.observer(answers::add, ended));
    keepAlive.onNext(LeaseKeepAliveRequest.newBuilder().setID(unknown).build());
    LeaseKeepAliveResponse answer = answers.poll(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    assertNotNull(answer, "no keep-alive answer");
    assertEquals(unknown, answer.getID());
    assertEquals(0, answer.getTTL(), "TTL 0: the lease is gone");
    keepAlive.onCompleted();
    assertEquals(Status.Code.OK, ended.get(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS).getCode());
  }

  // ------------------------------------------------------------------ watches

  @Test
  @Order(9)
  void badWatchRequestsCancelOnlyThatWatch() throws Exception {
    long first = put("watch-compacted", "v1");
    long second = put("watch-compacted", "v2");
    kv().compact(CompactionRequest.newBuilder().setRevision(second).build());

    try (WatchClient watch = new WatchClient(channel, Duration.ofSeconds(CALL_TIMEOUT_SECONDS))) {
      long compactedId = watch.create(WatchCreateRequest.newBuilder().setKey(bytes("watch-compacted")).setStartRevision(first));
      WatchResponse compacted = watch.next();
      assertEquals(compactedId, compacted.getWatchId());
      assertTrue(compacted.getCanceled(), () -> "not canceled: " + compacted);
      assertEquals(second, compacted.getCompactRevision());
      assertTrue(compacted.getEventsList().isEmpty());

      // canceling a watch the stream never had is answered by nothing: the next answer is the progress one
      watch.send(WatchRequest.newBuilder().setCancelRequest(WatchCancelRequest.newBuilder().setWatchId(777)).build());
      watch.send(WatchRequest.newBuilder().setProgressRequest(WatchProgressRequest.getDefaultInstance()).build());
      WatchResponse progress = watch.next();
      assertEquals(-1, progress.getWatchId(), () -> "not the progress answer: " + progress);
      assertFalse(progress.getCanceled());

      long id = watch.create(WatchCreateRequest.newBuilder().setKey(bytes("watch-dup")).setWatchId(5));
      assertEquals(5, id);
      watch.send(WatchRequest.newBuilder().setCreateRequest(
          WatchCreateRequest.newBuilder().setKey(bytes("watch-other")).setWatchId(5)).build());
      WatchResponse duplicate = watch.next();
      assertEquals(5, duplicate.getWatchId());
      assertTrue(duplicate.getCanceled(), () -> "not canceled: " + duplicate);
      assertFalse(duplicate.getCancelReason().isEmpty(), "a cancel reason is given");

      // the first watch 5 is still the one in place, and the stream still delivers
      long rev = put("watch-dup", "event");
      put("watch-other", "no event");
      WatchResponse event = watch.next();
      assertEquals(5, event.getWatchId());
      assertEquals(1, event.getEventsCount());
      assertEquals(rev, event.getEvents(0).getKv().getModRevision());
      assertEquals("watch-dup", event.getEvents(0).getKv().getKey().toStringUtf8());
    }
  }

  // ------------------------------------------------------------------ afterwards

  @Test
  @Order(100)
  void afterAllOfItThePeerServesAndOnlySuccessfulWritesAdvancedTheRevision() throws Exception {
    try (WatchClient watch = new WatchClient(channel, Duration.ofSeconds(CALL_TIMEOUT_SECONDS))) {
      long id = watch.create(WatchCreateRequest.newBuilder().setKey(bytes("final")).setPrevKv(true));
      long first = put("final", "one");
      long second = put("final", "two");
      assertEquals(first + 1, second);
      WatchResponse events = watch.next();
      if (events.getEventsCount() == 1) {
        events = events.toBuilder().addAllEvents(watch.next().getEventsList()).build();
      }
      assertEquals(id, events.getWatchId());
      assertEquals(List.of("one", "two"), events.getEventsList().stream().map(e -> e.getKv().getValue().toStringUtf8()).toList());
      Event last = events.getEvents(1);
      assertEquals("one", last.getPrevKv().getValue().toStringUtf8());
    }
    assertEquals("two", get("final").getValue().toStringUtf8());
    await().atMost(Duration.ofSeconds(CALL_TIMEOUT_SECONDS)).until(() -> peer.watchers() == 0);
    assertEquals(initialRevision + successfulWrites, revision(),
        "the revision moved by exactly the " + successfulWrites + " writes that succeeded");
  }

  // ------------------------------------------------------------------ assertions

  /**
   * The call fails with {@code code} and a description containing {@code message}, and writes
   * nothing: the store's revision and every key under {@code prefix} (none if empty) are as before.
   */
  private void assertRefused(Status.Code code, String message, String prefix, Executable call) {
    assertRefused(EnumSet.of(code), message, prefix, call);
  }

  private void assertRefused(Set<Status.Code> codes, String message, String prefix, Executable call) {
    long revisionBefore = revision();
    List<KeyValue> keysBefore = prefix.isEmpty() ? List.of() : kvs(prefix);

    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call);
    assertTrue(codes.contains(e.getStatus().getCode()), () -> "status " + e.getStatus() + ", expected " + codes);
    String description = String.valueOf(e.getStatus().getDescription());
    assertTrue(description.contains(message), () -> "'" + description + "' does not say '" + message + "'");

    assertEquals(revisionBefore, revision(), () -> "a refused request (" + e.getStatus() + ") wrote a revision");
    if (!prefix.isEmpty()) {
      assertEquals(keysBefore, kvs(prefix), "a refused request changed keys under " + prefix);
    }
  }

  /** The peer still takes a write and reads it back. */
  private void assertServes(String key) {
    long rev = put(key, "ok");
    KeyValue kv = get(key);
    assertEquals("ok", kv.getValue().toStringUtf8());
    assertEquals(rev, kv.getModRevision());
  }

  // ------------------------------------------------------------------ client helpers

  private KVGrpc.KVBlockingStub kv() {
    return KVGrpc.newBlockingStub(channel).withDeadlineAfter(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS);
  }

  private LeaseGrpc.LeaseBlockingStub lease() {
    return LeaseGrpc.newBlockingStub(channel).withDeadlineAfter(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS);
  }

  private static CallOptions options() {
    return CallOptions.DEFAULT.withDeadlineAfter(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS);
  }

  /** A successful put, counted; returns its revision. */
  private long put(String key, String value) {
    long rev = kv().put(putRequest(key, value)).getHeader().getRevision();
    successfulWrites++;
    return rev;
  }

  private KeyValue get(String key) {
    RangeResponse r = kv().range(RangeRequest.newBuilder().setKey(bytes(key)).build());
    assertEquals(1, r.getCount(), "no key " + key);
    return r.getKvs(0);
  }

  private List<KeyValue> kvs(String prefix) {
    return kv().range(RangeRequest.newBuilder().setKey(bytes(prefix)).setRangeEnd(KeyRange.prefixEnd(bytes(prefix))).build())
        .getKvsList();
  }

  private long count(String prefix) {
    return kv().range(RangeRequest.newBuilder().setKey(bytes(prefix)).setRangeEnd(KeyRange.prefixEnd(bytes(prefix)))
        .setCountOnly(true).build()).getCount();
  }

  /** The store's current revision, read linearizably. */
  private long revision() {
    return kv().range(RangeRequest.newBuilder().setKey(bytes("\0")).setCountOnly(true).build()).getHeader().getRevision();
  }

  private static ByteString bytes(String s) {
    return ByteString.copyFromUtf8(s);
  }

  private static PutRequest putRequest(String key, String value) {
    return PutRequest.newBuilder().setKey(bytes(key)).setValue(bytes(value)).build();
  }

  private static PutRequest putRequest(String key, byte[] value) {
    return PutRequest.newBuilder().setKey(bytes(key)).setValue(ByteString.copyFrom(value)).build();
  }

  private static RangeRequest get(String key, long revision) {
    return RangeRequest.newBuilder().setKey(bytes(key)).setRevision(revision).build();
  }

  private static RequestOp putOp(String key, String value) {
    return RequestOp.newBuilder().setRequestPut(putRequest(key, value)).build();
  }

  private static TxnRequest txnOfPuts(String prefix, int ops) {
    TxnRequest.Builder txn = TxnRequest.newBuilder();
    IntStream.range(0, ops).forEach(i -> txn.addSuccess(putOp(prefix + i, "v")));
    return txn.build();
  }

  /** A method of the etcd API that sends and receives bytes as they are, valid protobuf or not. */
  private static MethodDescriptor<byte[], byte[]> raw(String fullName, MethodDescriptor.MethodType type) {
    MethodDescriptor.Marshaller<byte[]> asIs = new MethodDescriptor.Marshaller<>() {
      @Override
      public InputStream stream(byte[] value) {
        return new ByteArrayInputStream(value);
      }

      @Override
      public byte[] parse(InputStream stream) {
        try {
          return stream.readAllBytes();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    };
    return MethodDescriptor.<byte[], byte[]>newBuilder().setType(type).setFullMethodName(fullName)
        .setRequestMarshaller(asIs).setResponseMarshaller(asIs).build();
  }

  /** A bidi stream of raw bytes. */
  private final class RawStream {
    final BlockingQueue<byte[]> received = new LinkedBlockingQueue<>();
    final CompletableFuture<Status> closed = new CompletableFuture<>();
    final StreamObserver<byte[]> requests;

    RawStream(MethodDescriptor<byte[], byte[]> method) {
      requests = ClientCalls.asyncBidiStreamingCall(channel.newCall(method, options()), SinglePeerEndpoint.observer(received::add, closed));
    }

    void send(byte[] message) {
      requests.onNext(message);
    }

    byte[] next() throws InterruptedException {
      byte[] message = received.poll(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      assertNotNull(message, "no message on the stream");
      return message;
    }
  }
}
