package io.skiff.store.mvcc;

import static io.skiff.store.mvcc.Protos.FUTURE;
import static io.skiff.store.mvcc.Protos.QUOTA;
import static io.skiff.store.mvcc.Protos.ZERO;
import static io.skiff.store.mvcc.Protos.all;
import static io.skiff.store.mvcc.Protos.assertError;
import static io.skiff.store.mvcc.Protos.assertStoreException;
import static io.skiff.store.mvcc.Protos.bs;
import static io.skiff.store.mvcc.Protos.delete;
import static io.skiff.store.mvcc.Protos.get;
import static io.skiff.store.mvcc.Protos.getAt;
import static io.skiff.store.mvcc.Protos.keys;
import static io.skiff.store.mvcc.Protos.only;
import static io.skiff.store.mvcc.Protos.prefix;
import static io.skiff.store.mvcc.Protos.put;
import static io.skiff.store.mvcc.Protos.req;
import static io.skiff.store.mvcc.Protos.str;
import static io.skiff.store.mvcc.Protos.values;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.ByteString;
import io.skiff.proto.etcd.RangeRequest;
import io.skiff.proto.etcd.RangeRequest.SortOrder;
import io.skiff.proto.etcd.RangeRequest.SortTarget;
import io.skiff.proto.etcd.RangeResponse;
import io.skiff.proto.mvcc.KeyValue;
import io.skiff.store.ErrorCode;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Range reads against one fixed history. The final state (revision 18) has no
 * ties on any sort target, so every order is fully determined:
 *
 * <pre>
 * key  value version create mod
 * a    e     3       6      15
 * ab   w     5       5      18
 * abc  c     1       4      4
 * b    r     4       3      16
 * c    a     2       2      17
 * d    (created at 13, deleted at 14)
 * </pre>
 */
class MvccStoreRangeTest {
  private static final long HEAD = 18;
  private static MvccStore store;

  @BeforeAll
  static void writeHistory() {
    store = new MvccStore(QUOTA);
    String[][] puts = {
        {"c", "1"}, {"b", "1"}, {"abc", "c"}, {"ab", "1"}, {"a", "1"},     // revs 2-6
        {"ab", "2"}, {"b", "2"}, {"a", "2"}, {"ab", "3"}, {"b", "3"},      // revs 7-11
        {"ab", "4"}, {"d", "x"}};                                          // revs 12-13
    for (String[] p : puts) {
      store.put(put(p[0], p[1]));
    }
    store.deleteRange(delete("d"));                                        // rev 14
    store.put(put("a", "e"));                                              // rev 15
    store.put(put("b", "r"));                                              // rev 16
    store.put(put("c", "a"));                                              // rev 17
    store.put(put("ab", "w"));                                             // rev 18
    assertEquals(HEAD, store.revision());
  }

  record Case(String name, RangeRequest request, List<String> keys, long count, boolean more) {
    @Override
    public String toString() {
      return name;
    }
  }

  private static Case c(String name, RangeRequest.Builder r, long count, boolean more, String... keys) {
    return new Case(name, r.build(), List.of(keys), count, more);
  }

  private static RangeRequest.Builder single(String key) {
    return get(key).toBuilder();
  }

  private static RangeRequest.Builder between(String start, String end) {
    return RangeRequest.newBuilder().setKey(bs(start)).setRangeEnd(bs(end));
  }

  private static RangeRequest.Builder sorted(SortTarget target, SortOrder order) {
    return all().setSortTarget(target).setSortOrder(order);
  }

  static Stream<Case> cases() {
    return Stream.of(
        // which keys
        c("single key", single("a"), 1, false, "a"),
        c("single absent key", single("zz"), 0, false),
        c("single deleted key", single("d"), 0, false),
        c("prefix a", prefix("a"), 3, false, "a", "ab", "abc"),
        c("prefix ab", prefix("ab"), 2, false, "ab", "abc"),
        c("[ab, b)", between("ab", "b"), 2, false, "ab", "abc"),
        c("[b, \\0): from b, unbounded", single("b").setRangeEnd(ZERO), 2, false, "b", "c"),
        c("[a, \\0)", single("a").setRangeEnd(ZERO), 5, false, "a", "ab", "abc", "b", "c"),
        c("whole key space [\\0, \\0)", all(), 5, false, "a", "ab", "abc", "b", "c"),
        c("end before start", between("c", "a"), 0, false),
        c("end equal to start", between("b", "b"), 0, false),
        // limit, more, count
        c("limit 2", all().setLimit(2), 5, true, "a", "ab"),
        c("limit = count", all().setLimit(5), 5, false, "a", "ab", "abc", "b", "c"),
        c("limit > count", all().setLimit(6), 5, false, "a", "ab", "abc", "b", "c"),
        c("prefix with limit 1", prefix("a").setLimit(1), 3, true, "a"),
        c("count_only", all().setCountOnly(true), 5, false),
        c("count_only with limit", all().setCountOnly(true).setLimit(2), 5, false),
        c("count_only of a prefix", prefix("ab").setCountOnly(true), 2, false),
        // sort orders and targets
        c("key ascend", sorted(SortTarget.KEY, SortOrder.ASCEND), 5, false, "a", "ab", "abc", "b", "c"),
        c("key descend", sorted(SortTarget.KEY, SortOrder.DESCEND), 5, false, "c", "b", "abc", "ab", "a"),
        c("value ascend", sorted(SortTarget.VALUE, SortOrder.ASCEND), 5, false, "c", "abc", "a", "b", "ab"),
        c("value descend", sorted(SortTarget.VALUE, SortOrder.DESCEND), 5, false, "ab", "b", "a", "abc", "c"),
        c("version ascend", sorted(SortTarget.VERSION, SortOrder.ASCEND), 5, false, "abc", "c", "a", "b", "ab"),
        c("version descend", sorted(SortTarget.VERSION, SortOrder.DESCEND), 5, false, "ab", "b", "a", "c", "abc"),
        c("create ascend", sorted(SortTarget.CREATE, SortOrder.ASCEND), 5, false, "c", "b", "abc", "ab", "a"),
        c("create descend", sorted(SortTarget.CREATE, SortOrder.DESCEND), 5, false, "a", "ab", "abc", "b", "c"),
        c("mod ascend", sorted(SortTarget.MOD, SortOrder.ASCEND), 5, false, "abc", "a", "b", "c", "ab"),
        c("mod descend", sorted(SortTarget.MOD, SortOrder.DESCEND), 5, false, "ab", "c", "b", "a", "abc"),
        c("a target without an order sorts ascending", sorted(SortTarget.VERSION, SortOrder.NONE), 5, false,
            "abc", "c", "a", "b", "ab"),
        c("sort then limit", sorted(SortTarget.MOD, SortOrder.DESCEND).setLimit(2), 5, true, "ab", "c"),
        c("sorted prefix", prefix("a").setSortTarget(SortTarget.VALUE).setSortOrder(SortOrder.DESCEND), 3, false,
            "ab", "a", "abc"),
        // etcd 3.4 sorts only what it fetched: with a target but no order it fetches limit + 1 keys in key
        // order (a, ab, abc), sorts them by version and cuts (checked against etcd 3.4.23)
        c("target without order and a limit sorts the first limit+1 keys",
            sorted(SortTarget.VERSION, SortOrder.NONE).setLimit(2), 5, true, "abc", "a"),
        c("with an explicit order the whole range is sorted",
            sorted(SortTarget.VERSION, SortOrder.ASCEND).setLimit(2), 5, true, "abc", "c"),
        // min/max revision filters: count is still every key in the range
        c("min_mod_revision", all().setMinModRevision(16), 5, false, "ab", "b", "c"),
        c("max_mod_revision", all().setMaxModRevision(15), 5, false, "a", "abc"),
        c("min and max mod_revision", all().setMinModRevision(5).setMaxModRevision(17), 5, false, "a", "b", "c"),
        c("min_create_revision", all().setMinCreateRevision(4), 5, false, "a", "ab", "abc"),
        c("max_create_revision", all().setMaxCreateRevision(3), 5, false, "b", "c"),
        c("filter that keeps nothing", all().setMinModRevision(19), 5, false),
        c("filter then limit", all().setMinModRevision(16).setLimit(1), 5, true, "ab"),
        c("filter, sort, limit", all().setMinCreateRevision(4).setSortTarget(SortTarget.CREATE)
            .setSortOrder(SortOrder.DESCEND).setLimit(2), 5, true, "a", "ab"),
        c("filter on a prefix", prefix("a").setMaxCreateRevision(5), 3, false, "ab", "abc"),
        // historic reads
        c("at revision 1 nothing exists", all().setRevision(1), 0, false),
        c("at revision 5", all().setRevision(5), 4, false, "ab", "abc", "b", "c"),
        c("prefix at revision 5", prefix("a").setRevision(5), 2, false, "ab", "abc"),
        c("deleted key before its delete", single("d").setRevision(13), 1, false, "d"),
        c("deleted key at its delete", single("d").setRevision(14), 0, false),
        c("historic read with limit", all().setRevision(13).setLimit(3), 6, true, "a", "ab", "abc"),
        c("historic read sorted by mod", all().setRevision(13).setSortTarget(SortTarget.MOD)
            .setSortOrder(SortOrder.DESCEND).setLimit(2), 6, true, "d", "ab"),
        c("historic filter", all().setRevision(10).setMinModRevision(9), 5, false, "a", "ab"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void range(Case c) {
    RangeResponse resp = store.range(c.request());
    assertEquals(c.keys(), keys(resp), "keys");
    assertEquals(c.count(), resp.getCount(), "count");
    assertEquals(c.more(), resp.getMore(), "more");
    assertEquals(HEAD, resp.getHeader().getRevision(), "the header tells the current revision, also for old reads");
  }

  @Test
  void valuesAndRevisionsOfTheReturnedKeys() {
    RangeResponse resp = store.range(all().build());
    assertEquals(List.of("e", "w", "c", "r", "a"), values(resp));
    KeyValue a = resp.getKvs(0);
    assertEquals(3, a.getVersion());
    assertEquals(6, a.getCreateRevision());
    assertEquals(15, a.getModRevision());
    assertEquals(0, a.getLease());
  }

  static Stream<Arguments> historicValues() {
    return Stream.of(
        Arguments.of("a", 6L, "1", 1L), Arguments.of("a", 8L, "1", 1L), Arguments.of("a", 9L, "2", 2L),
        Arguments.of("a", 14L, "2", 2L), Arguments.of("a", 15L, "e", 3L), Arguments.of("ab", 12L, "4", 4L),
        Arguments.of("ab", 17L, "4", 4L), Arguments.of("ab", 18L, "w", 5L), Arguments.of("d", 13L, "x", 1L));
  }

  @ParameterizedTest(name = "{0} at {1}")
  @MethodSource("historicValues")
  void historicReadsSeeTheValueOfTheirRevision(String key, long rev, String value, long version) {
    KeyValue kv = only(store.range(getAt(key, rev)));
    assertEquals(value, str(kv.getValue()));
    assertEquals(version, kv.getVersion());
  }

  @Test
  void keysOnlyDropsValuesButKeepsRevisions() {
    RangeResponse resp = store.range(all().setKeysOnly(true).build());
    assertEquals(List.of("a", "ab", "abc", "b", "c"), keys(resp));
    for (KeyValue kv : resp.getKvsList()) {
      assertEquals(ByteString.EMPTY, kv.getValue());
      assertEquals(true, kv.getModRevision() > 0 && kv.getVersion() > 0);
    }
  }

  /** etcd sorts by value before it drops values (checked against etcd 3.4.23: keys come in value order). */
  @Test
  void keysOnlySortedByValueStillSortsByValue() {
    RangeResponse resp = store.range(all().setKeysOnly(true)
        .setSortTarget(SortTarget.VALUE).setSortOrder(SortOrder.ASCEND).build());
    assertEquals(List.of("c", "abc", "a", "b", "ab"), keys(resp));
    assertEquals(List.of("", "", "", "", ""), values(resp));
  }

  @Test
  void futureRevisionIsOutOfRange() {
    assertEquals(5, store.range(all().setRevision(HEAD).build()).getCount());
    assertStoreException(ErrorCode.OUT_OF_RANGE, FUTURE, () -> store.range(all().setRevision(HEAD + 1).build()));
    assertStoreException(ErrorCode.OUT_OF_RANGE, FUTURE, () -> store.range(getAt("a", 1000)));
  }

  @Test
  void futureRevisionThroughQueryIsAnErrorResponse() {
    StoreState state = Protos.newState();
    try (state) {
      assertError(state.query(req(getAt("a", 2)), 0), ErrorCode.OUT_OF_RANGE, FUTURE);
    }
  }

  static Stream<Arguments> prefixEnds() {
    return Stream.of(
        Arguments.of(new byte[] {'a'}, new byte[] {'b'}),
        Arguments.of(new byte[] {'a', 'b'}, new byte[] {'a', 'c'}),
        Arguments.of(new byte[] {'a', (byte) 0xff}, new byte[] {'b'}),
        Arguments.of(new byte[] {(byte) 0xfe, (byte) 0xff, (byte) 0xff}, new byte[] {(byte) 0xff}),
        Arguments.of(new byte[] {(byte) 0xff}, new byte[] {0}),
        Arguments.of(new byte[] {(byte) 0xff, (byte) 0xff}, new byte[] {0}),
        Arguments.of(new byte[] {}, new byte[] {0}));
  }

  /** As etcd's GetPrefixRangeEnd: increment the last byte below 0xff; all 0xff means no end ("\0"). */
  @ParameterizedTest
  @MethodSource("prefixEnds")
  void prefixEnd(byte[] prefix, byte[] end) {
    assertEquals(ByteString.copyFrom(end), KeyRange.prefixEnd(ByteString.copyFrom(prefix)));
  }

  @Test
  void keysCompareAsUnsignedBytes() {
    MvccStore s = new MvccStore(QUOTA);
    byte[][] keys = {{(byte) 0xfe}, {(byte) 0xff}, {(byte) 0xff, 0}, {(byte) 0xff, (byte) 0xff}, {0x7f}, {0x01}};
    for (byte[] k : keys) {
      s.put(io.skiff.proto.etcd.PutRequest.newBuilder().setKey(ByteString.copyFrom(k)).build());
    }
    ByteString ff = ByteString.copyFrom(new byte[] {(byte) 0xff});
    RangeResponse under = s.range(RangeRequest.newBuilder().setKey(ff).setRangeEnd(KeyRange.prefixEnd(ff)).build());
    assertEquals(List.of(ff, ByteString.copyFrom(new byte[] {(byte) 0xff, 0}),
        ByteString.copyFrom(new byte[] {(byte) 0xff, (byte) 0xff})),
        under.getKvsList().stream().map(KeyValue::getKey).toList());
    RangeResponse everything = s.range(all().build());
    assertEquals(ByteString.copyFrom(new byte[] {0x01}), everything.getKvs(0).getKey());
    assertEquals(ByteString.copyFrom(new byte[] {0x7f}), everything.getKvs(1).getKey());
    assertEquals(ByteString.copyFrom(new byte[] {(byte) 0xfe}), everything.getKvs(2).getKey());
  }
}
