package io.skiff.store.mvcc;

import static io.skiff.store.mvcc.Protos.COMPACTED;
import static io.skiff.store.mvcc.Protos.ZERO;
import static io.skiff.store.mvcc.Protos.all;
import static io.skiff.store.mvcc.Protos.applyOk;
import static io.skiff.store.mvcc.Protos.assertError;
import static io.skiff.store.mvcc.Protos.compaction;
import static io.skiff.store.mvcc.Protos.delete;
import static io.skiff.store.mvcc.Protos.entry;
import static io.skiff.store.mvcc.Protos.grant;
import static io.skiff.store.mvcc.Protos.keys;
import static io.skiff.store.mvcc.Protos.only;
import static io.skiff.store.mvcc.Protos.op;
import static io.skiff.store.mvcc.Protos.put;
import static io.skiff.store.mvcc.Protos.range;
import static io.skiff.store.mvcc.Protos.req;
import static io.skiff.store.mvcc.Protos.revoke;
import static io.skiff.store.mvcc.Protos.timeToLive;
import static io.skiff.store.mvcc.Protos.txn;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.skiff.proto.etcd.LeaseLeasesRequest;
import io.skiff.proto.etcd.LeaseStatus;
import io.skiff.proto.etcd.WatchCreateRequest;
import io.skiff.proto.store.StoreRequest;
import io.skiff.store.ErrorCode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A snapshot read into a fresh state answers every read, lease query and watch as the original does. */
class SnapshotTest {
  private static final long T0 = 1_700_000_000_000L;
  private static final long COMPACTED_AT = 8;
  private static final long HEAD = 13;
  private StoreState original;
  private StoreState restored;

  /**
   * 2: a=1 (lease 1), 3: b=1, 4: c=1 (lease 1), 5: a=2 (lease 1), 6: delete b, 7: d=1, 8: delete d,
   * compaction at 8, 9: txn z=1, y=1 (lease 2), delete c, 10: x=1 (lease 2), 11: revoke 2 (deletes y then x),
   * 12: txn putting n in one nested txn and deleting it in the next, 13: a=3 (lease 1); lease 3 has no key.
   */
  @BeforeEach
  void setUp() throws IOException {
    original = Protos.newState();
    List<StoreRequest> history = List.of(
        grant(1, 100), grant(2, 200),
        req(put("a", "1", 1)), req(put("b", "1")), req(put("c", "1", 1)), req(put("a", "2", 1)),
        req(delete("b")), req(put("d", "1")), req(delete("d")),
        req(compaction(COMPACTED_AT)),
        req(txn(op(put("z", "1")), op(put("y", "1", 2)), op(delete("c")))),
        req(put("x", "1", 2)),
        revoke(2),
        req(txn(op(txn(op(put("n", "1")))), op(txn(op(delete("n")))))),
        req(put("a", "3", 1)),
        grant(3, 300));
    for (StoreRequest r : history) {
      assertEquals(List.of(false), original.apply(entry(T0, r)).getResponsesList().stream()
          .map(resp -> resp.hasError()).toList(), r::toString);
    }
    assertEquals(HEAD, original.revision());
    restored = Protos.newState();
    restored.readSnapshot(new ByteArrayInputStream(snapshot(original)));
  }

  @AfterEach
  void tearDown() {
    original.close();
    restored.close();
  }

  private static byte[] snapshot(StoreState state) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    state.writeSnapshot(out);
    return out.toByteArray();
  }

  @Test
  void rangesMatchAtTheHeadAndAtEveryRetainedRevision() {
    assertEquals(HEAD, restored.revision());
    assertEquals(original.sizeBytes(), restored.sizeBytes());
    assertEquals(List.of("a", "z"), keys(range(restored, all().build())));
    for (long rev = COMPACTED_AT; rev <= HEAD; rev++) {
      var request = all().setRevision(rev).build();
      assertEquals(range(original, request), range(restored, request), "at revision " + rev);
    }
    for (long rev = 1; rev < COMPACTED_AT; rev++) {
      var request = req(all().setRevision(rev).build());
      assertError(original.query(request, 0), ErrorCode.OUT_OF_RANGE, COMPACTED);
      assertError(restored.query(request, 0), ErrorCode.OUT_OF_RANGE, COMPACTED);
    }
  }

  @Test
  void leasesMatch() {
    for (long id : List.of(1L, 2L, 3L, 4L)) {
      for (long now : List.of(T0, T0 + 50_000, T0 + 250_000)) {
        assertEquals(original.query(timeToLive(id, true), now), restored.query(timeToLive(id, true), now),
            "lease " + id + " at " + now);
      }
    }
    assertEquals(List.of(com.google.protobuf.ByteString.copyFromUtf8("a")),
        restored.query(timeToLive(1, true), T0).getLeaseTimeToLive().getKeysList());
    assertEquals(leaseIds(original), leaseIds(restored));
    assertEquals(List.of(1L, 3L), leaseIds(restored));
    assertEquals(original.expiredLeases(T0 + 100_000), restored.expiredLeases(T0 + 100_000));
  }

  private static List<Long> leaseIds(StoreState state) {
    return state.query(StoreRequest.newBuilder().setLeaseLeases(LeaseLeasesRequest.getDefaultInstance()).build(), 0)
        .getLeaseLeases().getLeasesList().stream().map(LeaseStatus::getID).sorted().toList();
  }

  @Test
  void watchesFromEveryRetainedRevisionMatch() {
    for (long start = COMPACTED_AT; start <= HEAD; start++) {
      WatchCreateRequest w = WatchCreateRequest.newBuilder().setKey(ZERO).setRangeEnd(ZERO).setStartRevision(start)
          .setPrevKv(true).build();
      RecordingSink fromOriginal = new RecordingSink();
      RecordingSink fromRestored = new RecordingSink();
      original.watch(w, fromOriginal);
      restored.watch(w, fromRestored);
      await().atMost(Duration.ofSeconds(20)).until(() -> delivered(fromOriginal) && delivered(fromRestored));
      assertEquals(fromOriginal.describe(), fromRestored.describe(), "watch from " + start);
    }
  }

  /** True once the sink has been sent everything up to the head (the last revision writes a key). */
  private static boolean delivered(RecordingSink sink) {
    List<RecordingSink.Batch> batches = sink.batches();
    return !batches.isEmpty() && batches.get(batches.size() - 1).revision() == HEAD;
  }

  @Test
  void watchesFromTheSnapshotReplayTheWritesOfEachRevisionInWriteOrder() {
    RecordingSink sink = new RecordingSink();
    restored.watch(WatchCreateRequest.newBuilder().setKey(ZERO).setRangeEnd(ZERO).setStartRevision(9).build(), sink);
    await().atMost(Duration.ofSeconds(20)).until(() -> delivered(sink));
    assertEquals(List.of(
        "PUT z=1@9", "PUT y=1@9", "DELETE c@9",
        "PUT x=1@10",
        "DELETE y@11", "DELETE x@11",
        "PUT n=1@12", "DELETE n@12",
        "PUT a=3@13"), sink.describe());
  }

  @Test
  void theRestoredStateGoesOnFromTheSnapshotRevision() {
    applyOk(restored, req(put("a", "4", 1)));
    applyOk(original, req(put("a", "4", 1)));
    assertEquals(HEAD + 1, restored.revision());
    assertEquals(range(original, all().build()), range(restored, all().build()));
    assertEquals(4, only(range(restored, Protos.get("a"))).getVersion(), "a's versions carried over");
    applyOk(restored, revoke(1));
    assertEquals(List.of("z"), keys(range(restored, all().build())), "lease 1 still owned a");
  }

  @Test
  void aSnapshotOfTheRestoredStateIsTheSameBytes() throws IOException {
    byte[] first = snapshot(original);
    byte[] second = snapshot(restored);
    try (StoreState again = Protos.newState()) {
      again.readSnapshot(new ByteArrayInputStream(second));
      assertEquals(range(restored, all().setRevision(COMPACTED_AT).build()),
          range(again, all().setRevision(COMPACTED_AT).build()));
    }
    org.junit.jupiter.api.Assertions.assertArrayEquals(first, second);
  }

  @Test
  void watchersOfTheStateBeingReplacedCatchUpFromTheSnapshot() throws IOException {
    try (StoreState follower = Protos.newState()) {
      RecordingSink sink = new RecordingSink();
      follower.watch(WatchCreateRequest.newBuilder().setKey(Protos.bs("a")).setStartRevision(13).build(), sink);
      follower.readSnapshot(new ByteArrayInputStream(snapshot(original)));
      await().atMost(Duration.ofSeconds(20)).until(() -> sink.eventCount() >= 1);
      assertEquals(List.of("PUT a=3@13"), sink.describe());
    }
  }

  @Test
  void anEmptyOrTruncatedSnapshotIsRefused() throws IOException {
    byte[] bytes = snapshot(original);
    try (StoreState s = Protos.newState()) {
      IOException empty = assertThrows(IOException.class, () -> s.readSnapshot(new ByteArrayInputStream(new byte[0])));
      assertEquals("snapshot is empty", empty.getMessage());
      // cut inside a record or between two: either way an IOException, not a silent success
      assertThrows(IOException.class,
          () -> s.readSnapshot(new ByteArrayInputStream(Arrays.copyOf(bytes, bytes.length / 2))));
      assertThrows(IOException.class,
          () -> s.readSnapshot(new ByteArrayInputStream(Arrays.copyOf(bytes, bytes.length - 1))));
    }
  }
}
