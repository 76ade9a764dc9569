package io.skiff.store.mvcc;

import static io.skiff.store.mvcc.Protos.ZERO;
import static io.skiff.store.mvcc.Protos.applyOk;
import static io.skiff.store.mvcc.Protos.bs;
import static io.skiff.store.mvcc.Protos.compaction;
import static io.skiff.store.mvcc.Protos.delete;
import static io.skiff.store.mvcc.Protos.entry;
import static io.skiff.store.mvcc.Protos.grant;
import static io.skiff.store.mvcc.Protos.op;
import static io.skiff.store.mvcc.Protos.put;
import static io.skiff.store.mvcc.Protos.req;
import static io.skiff.store.mvcc.Protos.revoke;
import static io.skiff.store.mvcc.Protos.txn;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skiff.proto.etcd.WatchCreateRequest;
import io.skiff.proto.etcd.WatchCreateRequest.FilterType;
import io.skiff.proto.mvcc.Event;
import io.skiff.proto.store.StoreRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.awaitility.core.ConditionFactory;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The watch hub with its real catch-up thread, through {@link StoreState}. */
class WatchHubTest {
  private StoreState state;

  @BeforeEach
  void setUp() {
    state = Protos.newState();
  }

  @AfterEach
  void tearDown() {
    state.close();
  }

  private static ConditionFactory eventually() {
    return await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(5));
  }

  private void write(StoreRequest... requests) {
    for (StoreRequest r : requests) {
      applyOk(state, r);
    }
  }

  private static WatchCreateRequest.Builder watchKey(String key) {
    return WatchCreateRequest.newBuilder().setKey(bs(key));
  }

  private static WatchCreateRequest.Builder watchPrefix(String prefix) {
    return WatchCreateRequest.newBuilder().setKey(bs(prefix)).setRangeEnd(KeyRange.prefixEnd(bs(prefix)));
  }

  private static void awaitEvents(RecordingSink sink, List<String> expected) {
    awaitEvents(sink, expected, "events");
  }

  /** Waits (bounded) until the sink has as many events as expected, then compares them all. */
  private static void awaitEvents(RecordingSink sink, List<String> expected, String message) {
    try {
      eventually().until(() -> sink.eventCount() >= expected.size());
    } catch (ConditionTimeoutException e) {
      // fall through: the comparison shows what is missing
    }
    assertEquals(expected, sink.describe(), message);
  }

  /** Puts and deletes a key after the expected ones, waits for it, and checks nothing else came. */
  private void assertNothingMore(RecordingSink sink, String sentinelKey, List<String> expected) {
    write(req(put(sentinelKey, "end")));
    long rev = state.revision();
    List<String> withSentinel = new ArrayList<>(expected);
    withSentinel.add("PUT " + sentinelKey + "=end@" + rev);
    awaitEvents(sink, withSentinel);
  }

  @Test
  void fromNowDeliversOnlyLaterWritesOfTheKey() {
    write(req(put("a", "old")));
    RecordingSink sink = new RecordingSink();
    state.watch(watchKey("a").build(), sink);
    write(req(put("a", "1")), req(put("b", "1")), req(put("ab", "1")), req(delete("a")), req(put("a", "2")));
    awaitEvents(sink, List.of("PUT a=1@3", "DELETE a@6", "PUT a=2@7"));
    for (RecordingSink.Batch b : sink.batches()) {
      assertEquals(b.revision(), b.events().get(b.events().size() - 1).getKv().getModRevision());
    }
  }

  @Test
  void fromAPastRevisionReplaysHistoryInOrderThenGoesLive() {
    write(req(put("a", "1")), req(put("b", "1")), req(put("a", "2")), req(delete("a")), req(put("a", "3")));
    RecordingSink sink = new RecordingSink();
    state.watch(watchKey("a").setStartRevision(3).build(), sink);
    awaitEvents(sink, List.of("PUT a=2@4", "DELETE a@5", "PUT a=3@6"));
    write(req(put("a", "4")));
    awaitEvents(sink, List.of("PUT a=2@4", "DELETE a@5", "PUT a=3@6", "PUT a=4@7"));
    assertNothingMore(sink, "a", List.of("PUT a=2@4", "DELETE a@5", "PUT a=3@6", "PUT a=4@7"));
  }

  @Test
  void fromTheFirstRevisionReplaysEverything() {
    write(req(put("a", "1")), req(put("b", "1")));
    RecordingSink sink = new RecordingSink();
    state.watch(WatchCreateRequest.newBuilder().setKey(ZERO).setRangeEnd(ZERO).setStartRevision(1).build(), sink);
    awaitEvents(sink, List.of("PUT a=1@2", "PUT b=1@3"));
  }

  @Test
  void aFutureStartRevisionWaitsForIt() {
    RecordingSink sink = new RecordingSink();
    state.watch(watchKey("a").setStartRevision(4).build(), sink);
    write(req(put("a", "1")), req(put("a", "2")), req(put("a", "3")), req(put("a", "4")));
    awaitEvents(sink, List.of("PUT a=3@4", "PUT a=4@5"));
  }

  static Stream<Arguments> ranges() {
    return Stream.of(
        Arguments.of("prefix p/", watchPrefix("p/"), List.of("PUT p/1=x@2", "PUT p/2=x@3", "DELETE p/1@6")),
        Arguments.of("range [p/2, q)", WatchCreateRequest.newBuilder().setKey(bs("p/2")).setRangeEnd(bs("q")),
            List.of("PUT p/2=x@3")),
        Arguments.of("from p/2, unbounded", WatchCreateRequest.newBuilder().setKey(bs("p/2")).setRangeEnd(ZERO),
            List.of("PUT p/2=x@3", "PUT q=x@4", "PUT z=x@7")),
        Arguments.of("every key", WatchCreateRequest.newBuilder().setKey(ZERO).setRangeEnd(ZERO),
            List.of("PUT p/1=x@2", "PUT p/2=x@3", "PUT q=x@4", "PUT p=x@5", "DELETE p/1@6", "PUT z=x@7")),
        Arguments.of("single key p", watchKey("p"), List.of("PUT p=x@5")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("ranges")
  void watchesSelectTheirKeys(String name, WatchCreateRequest.Builder request, List<String> expected) {
    RecordingSink live = new RecordingSink();
    state.watch(request.build(), live);
    write(req(put("p/1", "x")), req(put("p/2", "x")), req(put("q", "x")), req(put("p", "x")), req(delete("p/1")),
        req(put("z", "x")));
    RecordingSink replay = new RecordingSink();
    state.watch(request.setStartRevision(2).build(), replay);
    awaitEvents(live, expected);
    awaitEvents(replay, expected);
  }

  @Test
  void prevKvCarriesTheValueBeforeEachEvent() {
    RecordingSink live = new RecordingSink();
    state.watch(watchKey("a").setPrevKv(true).build(), live);
    write(req(put("a", "1")), req(put("a", "2")), req(delete("a")), req(put("a", "3")));
    List<String> expected = List.of("PUT a=1@2", "PUT a=2@3 prev=1", "DELETE a@4 prev=2", "PUT a=3@5");
    awaitEvents(live, expected);
    RecordingSink replay = new RecordingSink();
    state.watch(watchKey("a").setPrevKv(true).setStartRevision(2).build(), replay);
    awaitEvents(replay, expected);
    RecordingSink without = new RecordingSink();
    state.watch(watchKey("a").setStartRevision(2).build(), without);
    awaitEvents(without, List.of("PUT a=1@2", "PUT a=2@3", "DELETE a@4", "PUT a=3@5"));
  }

  static Stream<Arguments> filters() {
    return Stream.of(
        Arguments.of(List.of(FilterType.NOPUT), List.of("DELETE a@4", "DELETE b@6")),
        Arguments.of(List.of(FilterType.NODELETE), List.of("PUT a=1@2", "PUT a=2@3", "PUT b=1@5")),
        Arguments.of(List.of(FilterType.NOPUT, FilterType.NODELETE), List.of()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("filters")
  void filtersDropEventTypes(List<FilterType> filters, List<String> expected) {
    WatchCreateRequest.Builder request = WatchCreateRequest.newBuilder().setKey(ZERO).setRangeEnd(ZERO)
        .addAllFilters(filters);
    RecordingSink live = new RecordingSink();
    state.watch(request.build(), live);
    write(req(put("a", "1")), req(put("a", "2")), req(delete("a")), req(put("b", "1")), req(delete("b")));
    RecordingSink replay = new RecordingSink();
    state.watch(request.setStartRevision(1).build(), replay);
    awaitEvents(live, expected);
    awaitEvents(replay, expected);
    List<String> withSentinel = new ArrayList<>(expected);
    write(req(put("s", "1")), req(delete("s")));
    withSentinel.add(filters.contains(FilterType.NOPUT) ? "DELETE s@8" : "PUT s=1@7");
    if (filters.size() == 1) {
      awaitEvents(live, withSentinel);
      awaitEvents(replay, withSentinel);
    }
  }

  @Test
  void theEventsOfOneTxnComeTogetherAtOneRevisionInWriteOrder() {
    write(req(put("c", "0")), grant(9, 60));
    RecordingSink live = new RecordingSink();
    state.watch(WatchCreateRequest.newBuilder().setKey(ZERO).setRangeEnd(ZERO).build(), live);
    write(req(txn(op(put("b", "1", 9)), op(put("a", "1", 9)), op(delete("c")), op(put("d", "1")))));
    write(revoke(9));   // deletes b then a (attachment order), in one revision
    List<String> expected = List.of("PUT b=1@3", "PUT a=1@3", "DELETE c@3", "PUT d=1@3", "DELETE b@4", "DELETE a@4");
    awaitEvents(live, expected);
    assertEquals(List.of(3L, 4L), live.batches().stream().map(RecordingSink.Batch::revision).toList(),
        "one batch per revision");
    RecordingSink replay = new RecordingSink();
    state.watch(WatchCreateRequest.newBuilder().setKey(ZERO).setRangeEnd(ZERO).setStartRevision(3).build(), replay);
    awaitEvents(replay, expected);
  }

  @Test
  void aCompactedStartRevisionEndsTheWatcher() {
    write(req(put("a", "1")), req(put("a", "2")), req(put("a", "3")), req(compaction(3)));
    RecordingSink gone = new RecordingSink();
    state.watch(watchKey("a").setStartRevision(2).build(), gone);
    eventually().until(() -> !gone.compacted().isEmpty());
    assertEquals(List.of(3L), gone.compacted());
    assertEquals(List.of(), gone.events());
    // at the compaction revision itself the watch works
    RecordingSink atCompaction = new RecordingSink();
    state.watch(watchKey("a").setStartRevision(3).build(), atCompaction);
    awaitEvents(atCompaction, List.of("PUT a=2@3", "PUT a=3@4"));
    eventually().until(() -> state.watchHub().size() == 1);
    write(req(put("a", "4")));
    awaitEvents(atCompaction, List.of("PUT a=2@3", "PUT a=3@4", "PUT a=4@5"));
    assertEquals(List.of(), gone.events());
    assertEquals(List.of(3L), gone.compacted());
  }

  @Test
  void aVictimWhoseNextRevisionGetsCompactedIsToldSo() {
    RecordingSink sink = RecordingSink.closed();
    state.watch(watchKey("a").build(), sink);
    write(req(put("a", "1")), req(put("a", "2")), req(put("a", "3")));
    assertTrue(sink.refused() > 0, "the sink refused the live event");
    write(req(compaction(4)));
    sink.open();
    eventually().until(() -> !sink.compacted().isEmpty());
    assertEquals(List.of(4L), sink.compacted());
    assertEquals(List.of(), sink.events());
  }

  @Test
  void aVictimCatchesUpWithEverythingInOrder() {
    RecordingSink sink = RecordingSink.closed();
    state.watch(watchKey("a").build(), sink);
    write(req(put("a", "1")), req(put("b", "1")), req(put("a", "2")), req(delete("a")));
    assertEquals(List.of(), sink.events());
    sink.open();
    write(req(put("a", "3")));   // may come live or from history: either way after the rest
    awaitEvents(sink, List.of("PUT a=1@2", "PUT a=2@4", "DELETE a@5", "PUT a=3@6"));
    assertNothingMore(sink, "a", List.of("PUT a=1@2", "PUT a=2@4", "DELETE a@5", "PUT a=3@6"));
  }

  @Test
  void cancelStopsDelivery() {
    RecordingSink live = new RecordingSink();
    Watcher w = state.watch(watchKey("a").build(), live);
    write(req(put("a", "1")));
    assertEquals(List.of("PUT a=1@2"), live.describe(), "a synced watcher hears on the apply thread");
    w.cancel();
    w.cancel();
    write(req(put("a", "2")));
    assertEquals(List.of("PUT a=1@2"), live.describe());

    // a cancelled victim gets nothing even once its sink is ready again
    RecordingSink victim = RecordingSink.closed();
    Watcher v = state.watch(watchKey("a").setStartRevision(2).build(), victim);
    v.cancel();
    victim.open();
    RecordingSink witness = new RecordingSink();
    state.watch(watchKey("a").setStartRevision(2).build(), witness);
    awaitEvents(witness, List.of("PUT a=1@2", "PUT a=2@3"));
    eventually().until(() -> state.watchHub().size() == 1);
    write(req(put("a", "3")));
    awaitEvents(witness, List.of("PUT a=1@2", "PUT a=2@3", "PUT a=3@4"));
    assertEquals(List.of(), victim.events());
    assertEquals(List.of("PUT a=1@2"), live.describe());
  }

  @Test
  void progressNotificationsTellTheRevisionWhenNothingMatches() {
    try (StoreState s = new StoreState(Protos.QUOTA, Duration.ofMillis(50))) {
      RecordingSink notified = new RecordingSink();
      RecordingSink quiet = new RecordingSink();
      s.watch(watchKey("a").setProgressNotify(true).build(), notified);
      s.watch(watchKey("a").build(), quiet);
      applyOk(s, req(put("b", "1")));
      applyOk(s, req(put("b", "2")));
      eventually().until(() -> notified.progress().size() >= 2);
      assertTrue(notified.progress().stream().allMatch(r -> r >= 1 && r <= 3), notified.progress()::toString);
      eventually().until(() -> notified.progress().contains(3L));
      assertEquals(List.of(), quiet.progress(), "no progress without progress_notify");
      assertEquals(List.of(), notified.events());
    }
  }

  // ------------------------------------------------------------ randomized: victims lose nothing

  /** A model of the key space that tells the events each write must produce. */
  private static final class Model {
    long revision = 1;
    final TreeMap<String, String> live = new TreeMap<>();
    final Map<String, Long> leaseOf = new TreeMap<>();
    final Map<Long, Set<String>> leaseKeys = new TreeMap<>();
    /** Every event as {@link RecordingSink#describe} writes it with prev_kv, with its key and revision. */
    final List<Expected> events = new ArrayList<>();
    private final List<Expected> pending = new ArrayList<>();

    record Expected(String key, long revision, String text, String prevText) { }

    void put(String key, String value, long lease) {
      String prev = live.put(key, value);
      Long old = leaseOf.get(key);
      if (old != null && old != lease) {
        leaseOf.remove(key);
        leaseKeys.get(old).remove(key);
      }
      if (lease != 0) {   // re-attaching keeps the key's place in the lease's attachment order
        leaseOf.put(key, lease);
        leaseKeys.get(lease).add(key);
      }
      String text = "PUT " + key + "=" + value + "@" + (revision + 1);
      pending.add(new Expected(key, revision + 1, text, prev == null ? text : text + " prev=" + prev));
    }

    void delete(String key) {
      String prev = live.remove(key);
      if (prev == null) {
        return;
      }
      Long old = leaseOf.remove(key);
      if (old != null) {
        leaseKeys.get(old).remove(key);
      }
      String text = "DELETE " + key + "@" + (revision + 1);
      pending.add(new Expected(key, revision + 1, text, text + " prev=" + prev));
    }

    void deleteRange(String from, String to) {
      for (String key : List.copyOf(live.subMap(from, to).keySet())) {
        delete(key);
      }
    }

    void revoke(long lease) {
      for (String key : List.copyOf(leaseKeys.get(lease))) {
        delete(key);
      }
      leaseKeys.remove(lease);
    }

    /** Ends one request: whatever it wrote is one revision. */
    void commit() {
      if (!pending.isEmpty()) {
        revision++;
        events.addAll(pending);
        pending.clear();
      }
    }

    List<String> expected(Predicate<Expected> selected, boolean prevKv) {
      return events.stream().filter(selected).map(e -> prevKv ? e.prevText() : e.text()).toList();
    }
  }

  /** Makes random requests, applies them in log entries of one to three, and keeps the model in step. */
  private static final class Writer {
    private static final List<String> KEYS = List.of("r/a", "r/b", "r/c", "r/d", "r/e", "r/f", "x/a", "x/b");
    private final Random random;
    private final Model model = new Model();
    private final StoreState state;
    private long nextLease = 100;
    private final List<Long> leases = new ArrayList<>();
    private int counter;

    Writer(StoreState state, long seed) {
      this.state = state;
      this.random = new Random(seed);
    }

    private String key() {
      return KEYS.get(random.nextInt(KEYS.size()));
    }

    private String value() {
      return "v" + (counter++);
    }

    /** One random request, applied to the model; the caller applies it to the store. */
    private StoreRequest next() {
      int dice = random.nextInt(100);
      StoreRequest r;
      if (dice < 40) {
        String k = key();
        String v = value();
        model.put(k, v, 0);
        r = req(put(k, v));
      } else if (dice < 55) {
        String k = key();
        model.delete(k);
        r = req(delete(k));
      } else if (dice < 62) {
        String from = key();
        String to = key();
        model.deleteRange(from, to.compareTo(from) > 0 ? to : from);
        r = req(delete(from, bs(to.compareTo(from) > 0 ? to : from)));
      } else if (dice < 85) {
        // a txn of puts on distinct keys, in random order, and a delete of another key
        List<String> shuffled = new ArrayList<>(KEYS);
        java.util.Collections.shuffle(shuffled, random);
        int puts = 1 + random.nextInt(3);
        List<io.skiff.proto.etcd.RequestOp> ops = new ArrayList<>();
        for (int i = 0; i < puts; i++) {
          String v = value();
          model.put(shuffled.get(i), v, 0);
          ops.add(op(put(shuffled.get(i), v)));
        }
        if (random.nextBoolean()) {
          model.delete(shuffled.get(puts));
          ops.add(op(delete(shuffled.get(puts))));
        }
        r = req(txn(ops.toArray(io.skiff.proto.etcd.RequestOp[]::new)));
      } else if (dice < 90 || leases.isEmpty()) {
        long id = nextLease++;
        leases.add(id);
        model.leaseKeys.put(id, new LinkedHashSet<>());
        r = grant(id, 3600);
      } else if (dice < 97) {
        long id = leases.get(random.nextInt(leases.size()));
        String k = key();
        String v = value();
        model.put(k, v, id);
        r = req(put(k, v, id));
      } else {
        long id = leases.remove(random.nextInt(leases.size()));
        model.revoke(id);
        r = revoke(id);
      }
      model.commit();
      return r;
    }

    /** Applies {@code count} random requests; returns the store's revision afterwards. */
    long run(int count) {
      int done = 0;
      while (done < count) {
        int n = Math.min(count - done, 1 + random.nextInt(3));
        StoreRequest[] batch = new StoreRequest[n];
        for (int i = 0; i < n; i++) {
          batch[i] = next();
        }
        var result = state.apply(entry(0, batch));
        result.getResponsesList().forEach(resp -> assertTrue(!resp.hasError(), resp::toString));
        done += n;
      }
      assertEquals(model.revision, state.revision(), "the model and the store agree on the revision");
      return state.revision();
    }
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void flakySinksReceiveEveryEventExactlyOnceAndInOrderWhileWritesGoOn() throws Exception {
    long seed = System.nanoTime();
    String why = "seed " + seed;
    Writer writer = new Writer(state, seed);
    writer.run(50);

    WatchCreateRequest prefixR = watchPrefix("r/").build();
    WatchCreateRequest everything = WatchCreateRequest.newBuilder().setKey(ZERO).setRangeEnd(ZERO).build();
    // a flaky sink replaying from the first revision, a flaky one from now, a flaky one with prev_kv
    RecordingSink fromStart = new RecordingSink(seed + 1, 0.4, 0.3);
    RecordingSink fromNow = new RecordingSink(seed + 2, 0.5, 0.5);
    RecordingSink withPrev = new RecordingSink(seed + 3, 0.3, 0.2);
    RecordingSink steady = new RecordingSink();
    state.watch(prefixR.toBuilder().setStartRevision(1).build(), fromStart);
    long nowRevision = state.revision();
    state.watch(prefixR, fromNow);
    state.watch(everything.toBuilder().setPrevKv(true).setStartRevision(2).build(), withPrev);
    state.watch(everything.toBuilder().setStartRevision(2).build(), steady);

    // the writer goes on while a late watcher joins from a past revision
    CompletableFuture<Long> writes = CompletableFuture.supplyAsync(() -> writer.run(1500));
    eventually().until(() -> state.revision() > nowRevision + 200 || writes.isDone());
    long lateStart = Math.max(2, state.revision() - 100);
    RecordingSink late = new RecordingSink(seed + 4, 0.4, 0.4);
    state.watch(prefixR.toBuilder().setStartRevision(lateStart).build(), late);
    writes.get(60, TimeUnit.SECONDS);

    Model model = writer.model;
    Predicate<Model.Expected> underR = e -> e.key().startsWith("r/");
    List<String> expectFromStart = model.expected(underR, false);
    List<String> expectFromNow = model.expected(underR.and(e -> e.revision() > nowRevision), false);
    List<String> expectWithPrev = model.expected(e -> true, true);
    List<String> expectSteady = model.expected(e -> true, false);
    List<String> expectLate = model.expected(underR.and(e -> e.revision() >= lateStart), false);

    Map<RecordingSink, List<String>> all = Map.of(fromStart, expectFromStart, fromNow, expectFromNow,
        withPrev, expectWithPrev, steady, expectSteady, late, expectLate);
    for (var e : all.entrySet()) {
      RecordingSink sink = e.getKey();
      List<String> expected = e.getValue();
      awaitEvents(sink, expected, why);
      long last = 0;
      for (RecordingSink.Batch b : sink.batches()) {
        assertTrue(b.revision() > last, why + ": batches move forward");
        for (Event ev : b.events()) {
          assertTrue(ev.getKv().getModRevision() > last && ev.getKv().getModRevision() <= b.revision(), why);
        }
        last = b.revision();
      }
    }
    assertTrue(fromStart.refused() > 0 && fromNow.refused() > 0, why + ": the flaky sinks were victims");
    // nothing more arrives, and each watcher is back in step
    write(req(put("r/zz", "end")));
    long endRev = state.revision();
    for (var e : all.entrySet()) {
      List<String> expected = new ArrayList<>(e.getValue());
      expected.add("PUT r/zz=end@" + endRev);
      awaitEvents(e.getKey(), expected, why);
    }
  }
}
