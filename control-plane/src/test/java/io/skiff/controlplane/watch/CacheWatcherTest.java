package io.skiff.controlplane.watch;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.skiff.api.v1.ObjectMeta;
import io.skiff.api.v1.Pod;
import io.skiff.api.v1.PodSpec;
import io.skiff.controlplane.kinds.Kinds;
import io.skiff.controlplane.registry.ApiException;
import io.skiff.controlplane.registry.ObjectFilter;
import io.skiff.proto.mvcc.Event;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/**
 * One client watch's delivery, without Raft or a network: a {@link WatchCache}
 * over a scripted store, delivery passes run by the test, and an in-memory
 * {@link WatchOutput} whose readiness the test controls.
 */
class CacheWatcherTest {
  /** Longer than any test: periodic bookmarks are asked for by hand ({@link CacheWatcher#bookmarkDue}). */
  private static final Duration NO_PERIODIC_BOOKMARKS = Duration.ofHours(1);

  private final FakeStore<Pod> store = new FakeStore<>(Kinds.PODS);
  private final ManualExecutor deliveries = new ManualExecutor();
  private ScheduledExecutorService timer;
  private WatchCache<Pod> cache;

  @BeforeEach
  void timer() {
    timer = Executors.newSingleThreadScheduledExecutor();
  }

  @AfterEach
  void close() {
    if (cache != null) {
      cache.close();
    }
    timer.shutdownNow();
  }

  // ---- readiness ----

  @Test
  void nothingIsSentWhileTheTransportIsNotReadyAndEverythingInOrderOnceItIs() {
    startCache(100, 100);
    Output output = new Output(0);
    CacheWatcher<Pod> watcher = watch(everything(), 0, false, output);

    Pod a = pod("default", "a", Map.of());
    Pod b = pod("default", "b", Map.of("k", "v"));
    feed(store.put(a), store.put(b), store.put(withLabels(a, Map.of("v", "2"))), store.delete(b));
    assertEquals(List.of(), output.sent(), "the transport was never ready");

    output.allow(Integer.MAX_VALUE);
    watcher.wake();  // what the transport's onReady handler does
    deliveries.runAll();
    assertEquals(List.of(added("a", 1), added("b", 2), modified("a", 3), deleted("b", 4)), output.sent());
    assertEquals("2", output.objects().get(2).getMetadata().getLabelsMap().get("v"));
    assertEquals(List.of("k=v"), output.labelsOf("b", 4), "a DELETED event carries the object's last state");
  }

  @Test
  void aTransportThatFillsStopsDeliveryWhichResumesWhereItStopped() {
    startCache(100, 100);
    Output output = new Output(2);
    CacheWatcher<Pod> watcher = watch(everything(), 0, false, output);
    List<Event> writes = new ArrayList<>();
    for (int i = 1; i <= 7; i++) {
      writes.add(store.put(pod("default", "p" + i, Map.of())));
    }
    feed(writes.toArray(Event[]::new));
    assertEquals(List.of(added("p1", 1), added("p2", 2)), output.sent());

    output.allow(3);
    watcher.wake();
    deliveries.runAll();
    assertEquals(5, output.sent().size());

    // woken while still not ready: nothing moves
    watcher.wake();
    deliveries.runAll();
    assertEquals(5, output.sent().size());

    output.allow(Integer.MAX_VALUE);
    watcher.wake();
    deliveries.runAll();
    List<Sent> expected = new ArrayList<>();
    for (int i = 1; i <= 7; i++) {
      expected.add(added("p" + i, i));
    }
    assertEquals(expected, output.sent(), "every event once, in order, across the stalls");
  }

  // ---- resume points ----

  @Test
  void aWatchFromAResourceVersionGetsExactlyTheLaterEvents() {
    startCache(100, 100);
    Pod a = pod("default", "a", Map.of());
    feed(store.put(a), store.put(pod("default", "b", Map.of())), store.put(withLabels(a, Map.of("x", "y"))),
        store.put(pod("default", "c", Map.of())));

    Output fromTwo = new Output(Integer.MAX_VALUE);
    watch(everything(), 2, false, fromTwo);
    Output fromNow = new Output(Integer.MAX_VALUE);
    watch(everything(), 4, false, fromNow);
    Output zero = new Output(Integer.MAX_VALUE);
    watch(everything(), 0, false, zero);
    deliveries.runAll();
    assertEquals(List.of(modified("a", 3), added("c", 4)), fromTwo.sent());
    assertEquals(List.of(), fromNow.sent());
    assertEquals(List.of(), zero.sent(), "0 is from now");

    feed(store.delete(a));
    assertEquals(List.of(modified("a", 3), added("c", 4), deleted("a", 5)), fromTwo.sent());
    assertEquals(List.of(deleted("a", 5)), fromNow.sent());
    assertEquals(List.of(deleted("a", 5)), zero.sent());
  }

  @Test
  void aResumePointOlderThanTheRingIsOutOfRangeWithAdviceToRelist() {
    startCache(5, 100);
    List<Event> writes = new ArrayList<>();
    for (int i = 1; i <= 8; i++) {
      writes.add(store.put(pod("default", "p" + i, Map.of())));
    }
    feed(writes.toArray(Event[]::new));  // revisions 1..8; the ring keeps 4..8

    ApiException tooOld = assertThrows(ApiException.class,
        () -> cache.watch(everything(), 2, false, false, new Output(Integer.MAX_VALUE)));
    assertEquals(Status.Code.OUT_OF_RANGE, tooOld.code());
    assertTrue(tooOld.getMessage().contains("too old resource version: 2"), tooOld.getMessage());
    assertTrue(tooOld.getMessage().contains("list again"), tooOld.getMessage());

    Output oldestHeld = new Output(Integer.MAX_VALUE);
    watch(everything(), 3, false, oldestHeld);
    deliveries.runAll();
    assertEquals(List.of(added("p4", 4), added("p5", 5), added("p6", 6), added("p7", 7), added("p8", 8)),
        oldestHeld.sent(), "every event after the newest evicted one is still served");
  }

  @Test
  void aWatcherThatFallsBehindTheRingGetsOutOfRange() {
    startCache(5, 100);
    Output output = new Output(1);
    CacheWatcher<Pod> watcher = watch(everything(), 0, false, output);
    feed(store.put(pod("default", "p1", Map.of())));
    List<Event> writes = new ArrayList<>();
    for (int i = 2; i <= 9; i++) {
      writes.add(store.put(pod("default", "p" + i, Map.of())));
    }
    feed(writes.toArray(Event[]::new));
    assertEquals(List.of(added("p1", 1)), output.sent());
    assertNull(output.failure(), "a stalled watcher is only a cursor until it is ready again");
    assertEquals(1, cache.watcherCount());

    output.allow(Integer.MAX_VALUE);
    watcher.wake();
    deliveries.runAll();
    assertEquals(List.of(added("p1", 1)), output.sent(), "nothing after the gap");
    assertEquals(Status.Code.OUT_OF_RANGE, output.failure().code());
    assertTrue(output.failure().getMessage().contains("list again"), output.failure().getMessage());
    assertEquals(0, cache.watcherCount(), "the failed watcher is gone");
  }

  // ---- filters ----

  @Test
  void anUpdateLeavingTheSelectorIsDeletedAndOneEnteringItIsAdded() {
    startCache(100, 100);
    Output output = new Output(Integer.MAX_VALUE);
    watch(ObjectFilter.of(Kinds.PODS, "default", "app=web", ""), 0, false, output);

    Pod web = pod("default", "x", Map.of("app", "web"));
    Pod db = withLabels(web, Map.of("app", "db"));
    feed(store.put(web),                                           // 1 ADDED
        store.put(pod("default", "other", Map.of("app", "db"))),   // 2 never matches
        store.put(pod("elsewhere", "x", Map.of("app", "web"))),    // 3 other namespace
        store.put(db),                                             // 4 leaves: DELETED
        store.put(withLabels(db, Map.of("app", "db", "v", "2"))),  // 5 still out
        store.put(withLabels(web, Map.of("app", "web", "v", "3"))), // 6 enters: ADDED
        store.put(withLabels(web, Map.of("app", "web", "v", "4"))), // 7 MODIFIED
        store.delete(web));                                         // 8 DELETED
    assertEquals(List.of(added("x", 1), deleted("x", 4), added("x", 6), modified("x", 7), deleted("x", 8)),
        output.sent());
    assertEquals(List.of("app=web"), output.labelsOf("x", 4),
        "the DELETED for leaving the selector carries the last state that matched");
    assertEquals(List.of("app=web", "v=4"), output.labelsOf("x", 8));
  }

  // ---- initial events and bookmarks ----

  @Test
  void initialEventsAreAnAddedPerMatchThenABookmarkThenChanges() {
    List<Event> history = List.of(store.put(pod("default", "a", Map.of())),
        store.put(pod("default", "b", Map.of())), store.put(pod("other", "c", Map.of())));
    startCache(100, 100);
    feed(history.toArray(Event[]::new));  // the cache's store watch replays history

    Output output = new Output(Integer.MAX_VALUE);
    cache.watch(ObjectFilter.of(Kinds.PODS, "default", "", ""), 0, false, true, output);
    deliveries.runAll();
    feed(store.put(withLabels(pod("default", "a", Map.of()), Map.of("v", "2"))));
    assertEquals(List.of(added("a", 1), added("b", 2), bookmark(3), modified("a", 4)), output.sent());
  }

  @Test
  void aDueBookmarkCarriesTheLatestRevisionEvenWhenNothingMatched() {
    startCache(100, 100);
    Output bookmarks = new Output(Integer.MAX_VALUE);
    CacheWatcher<Pod> withBookmarks = watch(ObjectFilter.of(Kinds.PODS, "quiet", "", ""), 0, true, bookmarks);
    Output plain = new Output(Integer.MAX_VALUE);
    CacheWatcher<Pod> withoutBookmarks = watch(ObjectFilter.of(Kinds.PODS, "quiet", "", ""), 0, false, plain);

    feed(store.put(pod("busy", "a", Map.of())), store.put(pod("busy", "b", Map.of())));
    withBookmarks.bookmarkDue();
    withoutBookmarks.bookmarkDue();
    deliveries.runAll();
    assertEquals(List.of(bookmark(2)), bookmarks.sent());
    assertEquals(List.of(), plain.sent(), "no bookmarks unless asked for");

    withBookmarks.bookmarkDue();
    deliveries.runAll();
    assertEquals(List.of(bookmark(2)), bookmarks.sent(), "no second bookmark for the same revision");

    feed(store.put(pod("busy", "c", Map.of())));
    withBookmarks.bookmarkDue();
    deliveries.runAll();
    assertEquals(List.of(bookmark(2), bookmark(3)), bookmarks.sent());
  }

  @Test
  void closingTheCacheEndsEachWatchAfterAFinalBookmarkForThoseThatAskedForThem() {
    startCache(100, 100);
    Output bookmarks = new Output(Integer.MAX_VALUE);
    watch(everything(), 0, true, bookmarks);
    Output plain = new Output(Integer.MAX_VALUE);
    watch(everything(), 0, false, plain);
    feed(store.put(pod("default", "a", Map.of())));

    cache.close();
    deliveries.runAll();
    assertEquals(List.of(added("a", 1), bookmark(1)), bookmarks.sent());
    assertTrue(bookmarks.closed());
    assertEquals(List.of(added("a", 1)), plain.sent());
    assertTrue(plain.closed());
    assertTrue(store.watchCancelled());
  }

  @Test
  void closingTheCacheEndsAWatchWhoseTransportIsFullWithoutABookmark() {
    startCache(100, 100);
    Output output = new Output(1);
    watch(everything(), 0, true, output);
    feed(store.put(pod("default", "a", Map.of())), store.put(pod("default", "b", Map.of())));
    assertEquals(List.of(added("a", 1)), output.sent());

    cache.close();
    deliveries.runAll();
    assertEquals(List.of(added("a", 1)), output.sent(), "no bookmark past the event the client has not taken");
    assertTrue(output.closed(), "the stream ends all the same; the client resumes from its last event");
    assertEquals(0, cache.watcherCount());
  }

  /**
   * A starting cache reads the store's recent history through its store watch
   * after it has listed; until that history has arrived, a bookmark must not
   * claim the listed revision to a watcher resuming from before it, or the
   * watcher skips the history when it comes.
   */
  @Test
  void aBookmarkDoesNotRunAheadOfHistoryTheCacheHasNotReadYet() {
    List<Event> history = new ArrayList<>();
    for (int i = 1; i <= 10; i++) {
      history.add(store.put(pod("default", "p" + i, Map.of())));
    }
    startCache(100, 100);  // lists at 10; history 1..10 still to come
    assertEquals(1, store.watchRequest().getStartRevision());

    Output output = new Output(Integer.MAX_VALUE);
    CacheWatcher<Pod> watcher = watch(ObjectFilter.of(Kinds.PODS, "default", "", ""), 5, true, output);
    watcher.bookmarkDue();
    deliveries.runAll();

    feed(history.toArray(Event[]::new));
    watcher.bookmarkDue();
    deliveries.runAll();
    // no bookmark is due: nothing happened after the last event sent
    assertEquals(List.of(added("p6", 6), added("p7", 7), added("p8", 8), added("p9", 9), added("p10", 10)),
        output.sent());

    feed(store.put(pod("other", "q", Map.of())));
    watcher.bookmarkDue();
    deliveries.runAll();
    assertEquals(bookmark(11), output.sent().get(output.sent().size() - 1), "one comes once there is news");
  }

  /**
   * The store compacted history the starting cache had not read yet (a master
   * restarted after a compaction): the cache follows on from the compaction,
   * the watchers that needed the lost events relist, the others go on.
   */
  @Test
  void historyCompactedBeforeTheCacheReadItCostsOnlyTheWatchersThatNeededIt() {
    List<Event> history = new ArrayList<>();
    for (int i = 1; i <= 10; i++) {
      history.add(store.put(pod("default", "p" + i, Map.of())));
    }
    startCache(100, 100);  // lists at 10, reads history from 1
    Output needsLost = new Output(Integer.MAX_VALUE);
    watch(everything(), 3, false, needsLost);
    Output recent = new Output(Integer.MAX_VALUE);
    watch(everything(), 7, false, recent);
    feed(history.subList(0, 4).toArray(Event[]::new));
    assertEquals(List.of(added("p4", 4)), needsLost.sent());

    store.compacted(8);  // 5..7 are gone
    await().atMost(Duration.ofSeconds(10)).until(() -> store.watchRequest().getStartRevision() == 8);
    deliveries.runAll();
    assertEquals(Status.Code.OUT_OF_RANGE, needsLost.failure().code());
    assertNull(recent.failure());
    ApiException tooOld = assertThrows(ApiException.class,
        () -> cache.watch(everything(), 6, false, false, new Output(Integer.MAX_VALUE)));
    assertEquals(Status.Code.OUT_OF_RANGE, tooOld.code());

    feed(history.subList(7, 10).toArray(Event[]::new));
    feed(store.put(pod("default", "p11", Map.of())));
    assertEquals(List.of(added("p8", 8), added("p9", 9), added("p10", 10), added("p11", 11)), recent.sent());
    assertEquals(1, cache.watcherCount());
  }

  /**
   * The store reports a compaction before the call that made the watch has
   * returned it (its catch-up thread runs apart from the caller), as it does to
   * a master restarted after a compaction. The cache acts on the report only
   * once it holds that watch, then follows on from the compaction. (A cache
   * that acted at once had no watch yet, lost its event thread and never
   * followed the store again: every watch on it hung.)
   */
  @Test
  void aCompactionReportedBeforeTheStoreWatchIsReturnedIsHandledAfterIt() {
    List<Event> history = new ArrayList<>();
    for (int i = 1; i <= 10; i++) {
      history.add(store.put(pod("default", "p" + i, Map.of())));
    }
    store.holdNextWatch();
    CompletableFuture<Void> started = CompletableFuture.runAsync(() -> startCache(100, 100));
    await().atMost(Duration.ofSeconds(10)).until(() -> store.watches() == 1);
    store.compacted(8);
    // the window in which a cache acting on the report without its watch would watch again (or fail)
    await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(2)).until(() -> store.watches() == 1);
    store.releaseWatch();
    started.join();

    await().atMost(Duration.ofSeconds(10)).until(() -> store.watchRequest().getStartRevision() == 8);
    Output output = new Output(Integer.MAX_VALUE);
    watch(everything(), 7, false, output);
    feed(history.subList(7, 10).toArray(Event[]::new));
    feed(store.put(pod("default", "p11", Map.of())));
    assertEquals(List.of(added("p8", 8), added("p9", 9), added("p10", 10), added("p11", 11)), output.sent());
  }

  /**
   * The store compacted past the cache's list, so the cache lists again. A
   * client that starts a watch from the old state while the new list is read
   * ends with OUT_OF_RANGE like those before it: the events between its resume
   * point and the compaction are gone, and it must not go on as if it had them.
   */
  @Test
  void aWatchThatStartsWhileTheCacheListsAgainRelistsToo() {
    for (int i = 1; i <= 4; i++) {
      store.put(pod("default", "p" + i, Map.of()));
    }
    store.snapshotForList();
    List<Event> later = new ArrayList<>();
    for (int i = 5; i <= 10; i++) {
      later.add(store.put(pod("default", "p" + i, Map.of())));
    }
    startCache(100, 100);  // lists at 4, reads history from 1
    Output before = new Output(Integer.MAX_VALUE);
    watch(everything(), 4, false, before);

    store.snapshotForList();  // the next list is at 10
    store.holdNextList();
    store.compacted(8);  // 5..7 are gone, and the list at 4 does not cover them
    await().atMost(Duration.ofSeconds(10)).until(store::listHeld);
    Output during = new Output(Integer.MAX_VALUE);
    watch(everything(), 4, false, during);
    store.releaseList();
    await().atMost(Duration.ofSeconds(10)).until(() -> store.watchRequest().getStartRevision() == 8);
    deliveries.runAll();
    assertEquals(Status.Code.OUT_OF_RANGE, before.failure().code());
    assertNotNull(during.failure(), "a watch from the old state must relist");
    assertEquals(Status.Code.OUT_OF_RANGE, during.failure().code());

    Output after = new Output(Integer.MAX_VALUE);
    watch(everything(), 10, false, after);
    feed(later.subList(3, 6).toArray(Event[]::new));
    feed(store.put(pod("default", "p11", Map.of())));
    assertEquals(List.of(), during.sent());
    assertEquals(List.of(added("p11", 11)), after.sent());
    assertEquals(1, cache.watcherCount());
  }

  /**
   * Bookmarks due every millisecond while events stream in: a bookmark is never
   * ahead of an event the watcher has not sent yet, so no event is ever skipped.
   * (The race this guards against was lost in about one run of six; hence the repetitions.)
   */
  @RepeatedTest(8)
  void bookmarksRacingWithNewEventsNeverSkipOne() {
    int writes = 20_000;
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      cache = new WatchCache<>(Kinds.PODS, store, new WatchCacheSettings(writes + 10, 100, Duration.ofMillis(1)),
          pool, timer);
      cache.start();
      Output output = new Output(Integer.MAX_VALUE);
      cache.watch(everything(), 0, true, false, output);
      for (int i = 1; i <= writes; i++) {
        store.deliver(List.of(store.put(pod("default", "p" + (i % 50), Map.of("i", Integer.toString(i))))));
      }
      await().atMost(Duration.ofSeconds(30)).until(() -> output.lastRevision() == writes || output.failure() != null);
      List<Sent> events = output.sent().stream().filter(s -> !s.type().equals(CacheEvent.BOOKMARK)).toList();
      assertNull(output.failure());
      assertEquals(writes, events.size(), "one event per write");
      for (int i = 0; i < writes; i++) {
        assertEquals(i + 1, events.get(i).revision());
      }
      assertRevisionsNeverGoBack(output.sent());
    } finally {
      cache.close();
      cache = null;
      pool.shutdownNow();
    }
  }

  // ---- fixture ----

  private void startCache(int capacity, long historyRevisions) {
    cache = new WatchCache<>(Kinds.PODS, store, new WatchCacheSettings(capacity, historyRevisions,
        NO_PERIODIC_BOOKMARKS), deliveries, timer);
    cache.start();
  }

  private CacheWatcher<Pod> watch(ObjectFilter<Pod> filter, long resourceVersion, boolean bookmarks, Output output) {
    CacheWatcher<Pod> watcher = cache.watch(filter, resourceVersion, bookmarks, false, output);
    deliveries.runAll();
    return watcher;
  }

  /**
   * Hands events to the cache's store watch, waits until the cache has applied
   * them and woken its watchers, then runs the delivery passes.
   */
  private void feed(Event... events) {
    long wakes = deliveries.submitted() + cache.watcherCount();
    long lastPosition = store.deliver(List.of(events)) - 1;
    await().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(2)).atMost(Duration.ofSeconds(10))
        .until(() -> inRing(lastPosition) && deliveries.submitted() >= wakes);
    deliveries.runAll();
  }

  /** True once the cache has appended the event at {@code position} (it may since have been evicted). */
  private boolean inRing(long position) {
    try {
      return cache.eventAt(position) != null;
    } catch (ApiException evicted) {
      return true;
    }
  }

  private static ObjectFilter<Pod> everything() {
    return ObjectFilter.everything(Kinds.PODS);
  }

  private static Pod pod(String namespace, String name, Map<String, String> labels) {
    return Pod.newBuilder().setMetadata(ObjectMeta.newBuilder().setNamespace(namespace).setName(name)
        .putAllLabels(labels)).setSpec(PodSpec.getDefaultInstance()).build();
  }

  private static Pod withLabels(Pod pod, Map<String, String> labels) {
    return pod.toBuilder().setMetadata(pod.getMetadata().toBuilder().clearLabels().putAllLabels(labels)).build();
  }

  private static void assertRevisionsNeverGoBack(List<Sent> sent) {
    for (int i = 1; i < sent.size(); i++) {
      int at = i;
      assertTrue(sent.get(i).revision() >= sent.get(i - 1).revision(),
          () -> "revisions go back at " + at + ": " + sent.subList(Math.max(0, at - 3), at + 1));
      if (!sent.get(i).type().equals(CacheEvent.BOOKMARK)) {
        assertTrue(sent.get(i).revision() > sent.get(i - 1).revision(),
            () -> "an event not after its predecessor at " + at + ": " + sent.subList(Math.max(0, at - 3), at + 1));
      }
    }
  }

  private static Sent added(String name, long revision) {
    return new Sent(CacheEvent.ADDED, name, revision);
  }

  private static Sent modified(String name, long revision) {
    return new Sent(CacheEvent.MODIFIED, name, revision);
  }

  private static Sent deleted(String name, long revision) {
    return new Sent(CacheEvent.DELETED, name, revision);
  }

  private static Sent bookmark(long revision) {
    return new Sent(CacheEvent.BOOKMARK, "", revision);
  }

  /** An event as the client sees it: type, object name, resource_version. */
  record Sent(String type, String name, long revision) {
  }

  /** The client's end: records what is sent; ready for a budget of events the test sets. */
  static final class Output implements WatchOutput<Pod> {
    private final AtomicInteger budget;
    private final List<Sent> sent = new ArrayList<>();
    private final List<Pod> objects = new ArrayList<>();
    private final AtomicLong lastRevision = new AtomicLong();
    private volatile ApiException failure;
    private volatile boolean closed;

    Output(int budget) {
      this.budget = new AtomicInteger(budget);
    }

    void allow(int events) {
      budget.set(events);
    }

    @Override
    public boolean isReady() {
      return budget.get() > 0;
    }

    @Override
    public synchronized void send(String type, Pod object) {
      if (budget.get() <= 0) {
        throw new AssertionError("sent while not ready: " + type + " " + object.getMetadata().getName());
      }
      if (closed || failure != null) {
        throw new AssertionError("sent after the end");
      }
      budget.decrementAndGet();
      sent.add(new Sent(type, object.getMetadata().getName(), object.getMetadata().getResourceVersion()));
      objects.add(object);
      lastRevision.set(object.getMetadata().getResourceVersion());
    }

    @Override
    public void fail(ApiException error) {
      failure = error;
    }

    @Override
    public void close() {
      closed = true;
    }

    synchronized List<Sent> sent() {
      return List.copyOf(sent);
    }

    synchronized List<Pod> objects() {
      return List.copyOf(objects);
    }

    /** The sorted "k=v" labels of the event for {@code name} at {@code revision}. */
    synchronized List<String> labelsOf(String name, long revision) {
      for (int i = 0; i < sent.size(); i++) {
        if (sent.get(i).name().equals(name) && sent.get(i).revision() == revision) {
          return objects.get(i).getMetadata().getLabelsMap().entrySet().stream()
              .map(e -> e.getKey() + "=" + e.getValue()).sorted().toList();
        }
      }
      throw new AssertionError("no event for " + name + " at " + revision);
    }

    long lastRevision() {
      return lastRevision.get();
    }

    ApiException failure() {
      return failure;
    }

    boolean closed() {
      return closed;
    }
  }

  /** Delivery passes run when the test says so, on the test's thread. */
  static final class ManualExecutor extends AbstractExecutorService {
    private final ArrayDeque<Runnable> queue = new ArrayDeque<>();
    private final AtomicLong submitted = new AtomicLong();

    @Override
    public synchronized void execute(Runnable command) {
      queue.add(command);
      submitted.incrementAndGet();
    }

    long submitted() {
      return submitted.get();
    }

    void runAll() {
      Runnable next;
      while ((next = poll()) != null) {
        next.run();
      }
    }

    private synchronized Runnable poll() {
      return queue.poll();
    }

    @Override
    public void shutdown() {
    }

    @Override
    public List<Runnable> shutdownNow() {
      return List.of();
    }

    @Override
    public boolean isShutdown() {
      return false;
    }

    @Override
    public boolean isTerminated() {
      return false;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
      return true;
    }
  }
}
