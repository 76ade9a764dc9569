package io.skiff.store.mvcc;

import static io.skiff.store.mvcc.Protos.COMPACTED;
import static io.skiff.store.mvcc.Protos.FUTURE;
import static io.skiff.store.mvcc.Protos.QUOTA;
import static io.skiff.store.mvcc.Protos.all;
import static io.skiff.store.mvcc.Protos.assertError;
import static io.skiff.store.mvcc.Protos.assertStoreException;
import static io.skiff.store.mvcc.Protos.bs;
import static io.skiff.store.mvcc.Protos.compaction;
import static io.skiff.store.mvcc.Protos.delete;
import static io.skiff.store.mvcc.Protos.get;
import static io.skiff.store.mvcc.Protos.getAt;
import static io.skiff.store.mvcc.Protos.keys;
import static io.skiff.store.mvcc.Protos.only;
import static io.skiff.store.mvcc.Protos.put;
import static io.skiff.store.mvcc.Protos.req;
import static io.skiff.store.mvcc.Protos.str;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.skiff.proto.etcd.RangeResponse;
import io.skiff.proto.mvcc.KeyValue;
import io.skiff.store.ErrorCode;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Compaction: what it drops, what it keeps, and the errors around it. */
class CompactionTest {
  private MvccStore store;

  /**
   * 2: a=1, 3: a=2, 4: b=1, 5: delete b, 6: c=1, 7: a=3, 8: delete c, 9: d=1, 10: delete d, 11: d=2.
   */
  @BeforeEach
  void setUp() {
    store = new MvccStore(QUOTA);
    store.put(put("a", "1"));
    store.put(put("a", "2"));
    store.put(put("b", "1"));
    store.deleteRange(delete("b"));
    store.put(put("c", "1"));
    store.put(put("a", "3"));
    store.deleteRange(delete("c"));
    store.put(put("d", "1"));
    store.deleteRange(delete("d"));
    store.put(put("d", "2"));
    assertEquals(11, store.revision());
  }

  private List<Long> retained(String key) {
    return store.histories(KeyRange.of(bs(key), ByteString.EMPTY)).values().stream()
        .flatMap(h -> h.versions().stream()).map(KeyHistory.Version::modRevision).toList();
  }

  static Stream<Arguments> compactions() {
    // compact at, then for each key the mod revisions still held
    return Stream.of(
        Arguments.of(1L, List.of(2L, 3L, 7L), List.of(4L, 5L), List.of(6L, 8L), List.of(9L, 10L, 11L)),
        Arguments.of(2L, List.of(2L, 3L, 7L), List.of(4L, 5L), List.of(6L, 8L), List.of(9L, 10L, 11L)),
        Arguments.of(3L, List.of(3L, 7L), List.of(4L, 5L), List.of(6L, 8L), List.of(9L, 10L, 11L)),
        Arguments.of(4L, List.of(3L, 7L), List.of(4L, 5L), List.of(6L, 8L), List.of(9L, 10L, 11L)),
        // b's newest version at/below 5 is its tombstone: dropped, and b with it
        Arguments.of(5L, List.of(3L, 7L), List.of(), List.of(6L, 8L), List.of(9L, 10L, 11L)),
        Arguments.of(7L, List.of(7L), List.of(), List.of(6L, 8L), List.of(9L, 10L, 11L)),
        Arguments.of(9L, List.of(7L), List.of(), List.of(), List.of(9L, 10L, 11L)),
        // d's first generation ended at 10: its tombstone goes, the new generation stays
        Arguments.of(10L, List.of(7L), List.of(), List.of(), List.of(11L)),
        Arguments.of(11L, List.of(7L), List.of(), List.of(), List.of(11L)));
  }

  @ParameterizedTest(name = "compact at {0}")
  @MethodSource("compactions")
  void keepsTheNewestVersionAtOrBelowTheCompactionAndDropsTombstones(long at, List<Long> a, List<Long> b,
      List<Long> c, List<Long> d) {
    RangeResponse before = store.range(all().setRevision(at).build());
    RangeResponse head = store.range(all().build());
    long sizeBefore = store.sizeBytes();

    store.compact(compaction(at));

    assertEquals(at, store.compactRevision());
    assertEquals(11, store.revision(), "compaction is not a write");
    assertEquals(a, retained("a"), "a");
    assertEquals(b, retained("b"), "b");
    assertEquals(c, retained("c"), "c");
    assertEquals(d, retained("d"), "d");
    assertEquals(before, store.range(all().setRevision(at).build()), "a read at the compaction revision works");
    assertEquals(head, store.range(all().build()));
    for (long rev = at; rev <= 11; rev++) {
      store.range(all().setRevision(rev).build());
    }
    for (long rev = 1; rev < at; rev++) {
      long r = rev;
      assertStoreException(ErrorCode.OUT_OF_RANGE, COMPACTED, () -> store.range(all().setRevision(r).build()));
    }
    assertTrue(store.sizeBytes() <= sizeBefore);
    assertTrue(store.changes(1, 11).keySet().stream().allMatch(rev -> rev >= at), "watch history below it gone");
  }

  @Test
  void readsAtAndAfterTheCompactionSeeWhatTheySawBefore() {
    List<RangeResponse> before = new java.util.ArrayList<>();
    for (long rev = 7; rev <= 11; rev++) {
      before.add(store.range(all().setRevision(rev).build()));
    }
    store.compact(compaction(7));
    for (long rev = 7; rev <= 11; rev++) {
      assertEquals(before.get((int) (rev - 7)), store.range(all().setRevision(rev).build()), "at " + rev);
    }
    KeyValue a = only(store.range(getAt("a", 7)));
    assertEquals("3", str(a.getValue()));
    assertEquals(3, a.getVersion(), "versions count from the key's creation, not from the compaction");
    assertEquals(2, a.getCreateRevision());
  }

  @Test
  void droppedSpaceIsFreed() {
    long size = store.sizeBytes();
    store.compact(compaction(11));
    // kept: a@7 and d@11, each 1 + 1 + 32 bytes
    assertEquals(2 * 34, store.sizeBytes());
    assertTrue(size > store.sizeBytes());
  }

  @Test
  void aDroppedKeyStartsOverWhenWrittenAgain() {
    store.compact(compaction(11));
    assertEquals(List.of(), retained("b"));
    store.put(put("b", "new"));
    KeyValue b = only(store.range(get("b")));
    assertEquals(12, b.getCreateRevision());
    assertEquals(1, b.getVersion());
  }

  static Stream<Arguments> refusedCompactions() {
    return Stream.of(
        Arguments.of("at the current compaction", 6L, ErrorCode.OUT_OF_RANGE, COMPACTED),
        Arguments.of("below the current compaction", 3L, ErrorCode.OUT_OF_RANGE, COMPACTED),
        Arguments.of("at revision 0", 0L, ErrorCode.OUT_OF_RANGE, COMPACTED),
        Arguments.of("in the future", 12L, ErrorCode.OUT_OF_RANGE, FUTURE),
        Arguments.of("far in the future", 1000L, ErrorCode.OUT_OF_RANGE, FUTURE));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusedCompactions")
  void refusedCompactionsChangeNothing(String name, long at, ErrorCode code, String message) {
    store.compact(compaction(6));
    long size = store.sizeBytes();
    assertStoreException(code, message, () -> store.compact(compaction(at)));
    assertEquals(6, store.compactRevision());
    assertEquals(size, store.sizeBytes());
  }

  @Test
  void compactingTwiceMovesForwardAndAtTheHeadWorks() {
    store.compact(compaction(4));
    store.compact(compaction(5));
    store.compact(compaction(11));
    assertEquals(11, store.compactRevision());
    assertEquals(List.of("a", "d"), keys(store.range(all().setRevision(11).build())));
  }

  @Test
  void throughTheStateMachineRefusalsAreErrorResponses() {
    StoreState state = Protos.newState();
    try (state) {
      Protos.applyOk(state, req(put("a", "1")));
      Protos.applyOk(state, req(put("a", "2")));
      var ok = Protos.applyOk(state, req(compaction(2)));
      assertEquals(3, ok.getCompaction().getHeader().getRevision());
      assertError(Protos.apply(state, req(compaction(2))), ErrorCode.OUT_OF_RANGE, COMPACTED);
      assertError(Protos.apply(state, req(compaction(4))), ErrorCode.OUT_OF_RANGE, FUTURE);
      assertError(state.query(req(getAt("a", 1)), 0), ErrorCode.OUT_OF_RANGE, COMPACTED);
      assertEquals("1", str(only(Protos.range(state, getAt("a", 2))).getValue()));
    }
  }

  @Test
  void watchHistoryAtTheCompactionRevisionHoldsOnlyWhatTheKeysStillHold() {
    // etcd 3.4 (after the physical compaction) replays no tombstone at the compaction revision:
    // a watch from it sees only the puts written there
    store.compact(compaction(10));
    List<KeyHistory.Version> at10 = store.changes(10, 10).getOrDefault(10L, List.of());
    assertFalse(at10.stream().anyMatch(KeyHistory.Version::tombstone), "the tombstone of d at 10 is gone");
    assertEquals(List.of(11L), List.copyOf(store.changes(11, 11).keySet()));
  }
}
