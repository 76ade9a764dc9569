package io.skiff.controlplane.watch;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import io.grpc.Status;
import io.skiff.client.DaemonThreads;
import io.skiff.controlplane.registry.ApiException;
import io.skiff.controlplane.registry.Kind;
import io.skiff.controlplane.registry.ObjectFilter;
import io.skiff.controlplane.registry.Stored;
import io.skiff.proto.etcd.RangeRequest;
import io.skiff.proto.etcd.RangeResponse;
import io.skiff.proto.etcd.WatchCreateRequest;
import io.skiff.proto.mvcc.Event;
import io.skiff.proto.mvcc.KeyValue;
import io.skiff.store.Store;
import io.skiff.store.mvcc.KeyRange;
import io.skiff.store.mvcc.WatchSink;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongPredicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves every client watch of one kind from one store watch: the current
 * objects and a ring of recent events. A client resumes from any revision the
 * ring still covers; older ones get OUT_OF_RANGE (relist). On start the ring is
 * filled with the store's recent history, so a client that moves here from
 * another master, or back to a restarted one, resumes without a gap.
 *
 * <p>Thread-safe. The store watch is made, remade and handled on one thread
 * ({@code events}): the store may report on a watch (a compaction, say) before
 * {@code watch()} has returned it, and that report then waits until the cache
 * holds the watch it is about.
 */
public final class WatchCache<T extends Message> implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(WatchCache.class);

  private final Kind<T> kind;
  private final Store store;
  private final WatchCacheSettings settings;
  private final ExecutorService events;
  private final ExecutorService deliveries;
  private final ScheduledExecutorService timer;
  private final Set<CacheWatcher<T>> watchers = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean closed = new AtomicBoolean();

  // guarded by this
  private final TreeMap<ByteString, T> objects = new TreeMap<>(ByteString.unsignedLexicographicalComparator());
  private final EventRing<T> ring;
  /** Every event after this revision is in the ring. */
  private long completeAfter;
  /** The revision the cache reflects. */
  private long revision;
  /** Events up to here are history, already in {@link #objects}. */
  private long listedRevision;
  /** The store watch has delivered every event up to here: the ring is complete to this revision. */
  private long followed;
  /** Replaced only on the events thread; read by {@link #close} too. */
  private Store.Watch storeWatch;
  private ScheduledFuture<?> bookmarks;

  public WatchCache(Kind<T> kind, Store store, WatchCacheSettings settings, ExecutorService deliveries,
      ScheduledExecutorService timer) {
    this.kind = kind;
    this.store = store;
    this.settings = settings;
    this.ring = new EventRing<>(settings.capacity());
    this.deliveries = deliveries;
    this.timer = timer;
    this.events = Executors.newSingleThreadExecutor(DaemonThreads.named("watch-cache-" + kind.resource()));
  }

  /** Lists the kind and starts following the store. Blocks until the list is loaded. */
  public void start() {
    CompletableFuture.runAsync(() -> load(0), events).join();
    long interval = settings.bookmarkInterval().toMillis();
    bookmarks = timer.scheduleAtFixedRate(this::bookmarkTick, interval, interval, TimeUnit.MILLISECONDS);
  }

  /**
   * Lists, then follows the store from its recent history, but not from before
   * {@code notBefore} (compacted). The watchers of a previous list end: the
   * events between their resume points and the new list may be gone. Runs on the events thread.
   */
  private void load(long notBefore) {
    RangeResponse list = store.range(RangeRequest.newBuilder().setKey(kind.prefix())
        .setRangeEnd(KeyRange.prefixEnd(kind.prefix())).build()).join();
    long listed = list.getHeader().getRevision();
    long historyFrom = Math.max(Math.max(1, listed + 1 - settings.historyRevisions()), notBefore);
    synchronized (this) {
      objects.clear();
      for (KeyValue kv : list.getKvsList()) {
        objects.put(kv.getKey(), kind.forClient(kind.parse(kv.getValue()), kv.getModRevision()));
      }
      ring.clear();
      listedRevision = listed;
      revision = listed;
      completeAfter = historyFrom - 1;
      followed = historyFrom - 1;
      // in the same step as the reset: a watcher that joined during the list, from the old state, ends too
      failWatchers(since -> true);
    }
    follow(historyFrom);
    log.info("watch cache {}: {} objects at revision {}", kind.resource(), list.getKvsCount(), listed);
  }

  /** Watches the store from {@code fromRevision}, unless the cache closed meanwhile. Runs on the events thread. */
  private void follow(long fromRevision) {
    Store.Watch watch = store.watch(WatchCreateRequest.newBuilder().setKey(kind.prefix())
        .setRangeEnd(KeyRange.prefixEnd(kind.prefix())).setStartRevision(fromRevision).setPrevKv(true)
        .setProgressNotify(true).build(), new Sink());
    synchronized (this) {
      if (!closed.get()) {
        storeWatch = watch;
        return;
      }
    }
    watch.cancel();
  }

  /**
   * The store watch's output; never blocks (it runs under the store's watch
   * lock). Each report is handled on the events thread, in order, after the
   * task that made the watch.
   */
  private final class Sink implements WatchSink {
    @Override
    public boolean send(List<Event> batch, long upTo) {
      handle(() -> apply(batch, upTo));
      return true;
    }

    @Override
    public boolean ready() {
      return true;
    }

    @Override
    public void compacted(long compactRevision) {
      handle(() -> onCompacted(compactRevision));
    }

    @Override
    public void progress(long upTo) {
      handle(() -> advance(upTo));
    }

    private void handle(Runnable report) {
      try {
        events.execute(report);
      } catch (RejectedExecutionException e) {
        // closed: this watch, made as the cache closed, is being cancelled; the store must not see an error
      }
    }
  }

  private void apply(List<Event> batch, long upTo) {
    synchronized (this) {
      for (Event event : batch) {
        CacheEvent<T> change = toCacheEvent(event);
        if (change.revision() > listedRevision) {
          ByteString key = event.getKv().getKey();
          if (change.type().equals(CacheEvent.DELETED)) {
            objects.remove(key);
          } else {
            objects.put(key, change.object());
          }
        }
        if (change.revision() > completeAfter) {
          CacheEvent<T> evicted = ring.append(change);
          if (evicted != null) {
            completeAfter = evicted.revision();
          }
        }
      }
      revision = Math.max(revision, upTo);
      followed = Math.max(followed, upTo);
    }
    wakeAll();
  }

  private void advance(long upTo) {
    synchronized (this) {
      revision = Math.max(revision, upTo);
      followed = Math.max(followed, upTo);
    }
  }

  /**
   * The change as clients see it. A live event's previous state is the cache's
   * current copy (shared, not decoded again); a history event's comes from the
   * store's prev_kv.
   */
  private CacheEvent<T> toCacheEvent(Event event) {
    KeyValue kv = event.getKv();
    T previous = kv.getModRevision() > listedRevision ? objects.get(kv.getKey()) : null;
    if (previous == null && event.hasPrevKv()) {
      previous = kind.forClient(kind.parse(event.getPrevKv().getValue()), event.getPrevKv().getModRevision());
    }
    if (event.getType() == Event.EventType.DELETE) {
      return new CacheEvent<>(CacheEvent.DELETED, kind.forClient(previous, kv.getModRevision()), previous,
          kv.getModRevision());
    }
    T object = kind.forClient(kind.parse(kv.getValue()), kv.getModRevision());
    String type = kv.getCreateRevision() == kv.getModRevision() ? CacheEvent.ADDED : CacheEvent.MODIFIED;
    return new CacheEvent<>(type, object, previous, kv.getModRevision());
  }

  /**
   * The store compacted history the cache had yet to read (only a store watch
   * still reading history can be compacted); the store has ended that watch.
   * When the lost revisions are all covered by the list, the cache follows on
   * from the compaction and only the watchers that needed them relist;
   * otherwise it can only start over.
   */
  private void onCompacted(long compactRevision) {
    if (closed.get()) {
      return;
    }
    boolean listCoversLoss;
    synchronized (this) {
      listCoversLoss = compactRevision <= listedRevision + 1;
      if (listCoversLoss) {
        ring.clear();
        completeAfter = Math.max(completeAfter, compactRevision - 1);
        failWatchers(since -> since < compactRevision - 1);
      }
    }
    if (listCoversLoss) {
      log.info("watch cache {}: history before {} was compacted; following from there", kind.resource(),
          compactRevision);
      follow(compactRevision);
      return;
    }
    log.warn("watch cache {}: store compacted to {} ahead of the cache; relisting", kind.resource(), compactRevision);
    load(compactRevision);
  }

  /** Ends, with OUT_OF_RANGE, the watchers whose resume point the cache no longer serves. Under this. */
  private void failWatchers(LongPredicate lost) {
    for (CacheWatcher<T> watcher : watchers) {
      long since = watcher.since();
      if (lost.test(since)) {
        watcher.fail(new ApiException(Status.Code.OUT_OF_RANGE, tooOld(since)));
      }
    }
  }

  /**
   * Starts a client watch. Events after {@code resourceVersion} (0: after now);
   * with {@code initialEvents}, first an ADDED for each current match and a BOOKMARK.
   */
  public CacheWatcher<T> watch(ObjectFilter<T> filter, long resourceVersion, boolean allowBookmarks,
      boolean initialEvents, WatchOutput<T> output) {
    if (resourceVersion < 0) {
      throw ApiException.invalid("resourceVersion: Invalid value: " + resourceVersion + ": must be 0 or more");
    }
    CacheWatcher<T> watcher;
    synchronized (this) {
      if (closed.get()) {
        throw new ApiException(Status.Code.UNAVAILABLE, "the server is shutting down");
      }
      List<T> initial = new ArrayList<>();
      long since;
      if (initialEvents) {
        for (T object : objects.values()) {
          if (filter.matches(object)) {
            initial.add(object);
          }
        }
        since = revision;
      } else {
        since = resourceVersion == 0 ? revision : resourceVersion;
        if (since < completeAfter) {
          throw new ApiException(Status.Code.OUT_OF_RANGE, tooOld(since));
        }
      }
      watcher = new CacheWatcher<>(this, filter, since, allowBookmarks, initial, initialEvents, ring.firstAfter(since),
          output, deliveries);
      watchers.add(watcher);
    }
    watcher.wake();
    return watcher;
  }

  private String tooOld(long since) {
    return "too old resource version: " + since + " (the oldest this server holds for " + kind.resource() + " is "
        + completeAfter + "); list again and watch from the list's resource_version";
  }

  /** The next event for a watcher at {@code position}, null when it has seen them all. */
  synchronized CacheEvent<T> eventAt(long position) {
    if (position < ring.start()) {
      throw new ApiException(Status.Code.OUT_OF_RANGE, "the watch fell behind the cache ("
          + kind.resource() + "); list again and watch from the list's resource_version");
    }
    return position < ring.end() ? ring.get(position) : null;
  }

  /**
   * The cache's copy of an object in stored form, with the revision that wrote
   * it. It may lag the store: writers start from it and let their
   * compare-and-swap catch a stale one.
   */
  public Optional<Stored<T>> stored(ByteString key) {
    T object;
    synchronized (this) {
      object = objects.get(key);
    }
    return object == null ? Optional.empty()
        : Optional.of(new Stored<>(kind.forStore(object), kind.meta(object).getResourceVersion()));
  }

  Kind<T> kind() {
    return kind;
  }

  synchronized long revision() {
    return revision;
  }

  /**
   * The revision a watcher at {@code position} may bookmark: every event up to
   * it is in the ring before that position. -1 while the ring holds events at or
   * after the position (the watcher must send those first). Checked in one step,
   * so an event appended meanwhile cannot fall under the bookmark; and it is not
   * the listed revision while the history read at start is still arriving.
   */
  synchronized long bookmarkRevision(long position) {
    return position < ring.end() ? -1 : followed;
  }

  void remove(CacheWatcher<T> watcher) {
    watchers.remove(watcher);
  }

  /** Watchers on this cache (diagnostics and tests). */
  public int watcherCount() {
    return watchers.size();
  }

  private void wakeAll() {
    for (CacheWatcher<T> watcher : watchers) {
      watcher.wake();
    }
  }

  private void bookmarkTick() {
    for (CacheWatcher<T> watcher : watchers) {
      watcher.bookmarkDue();
    }
  }

  /** Ends every watch, with a last BOOKMARK for those that asked for bookmarks. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    if (bookmarks != null) {
      bookmarks.cancel(false);
    }
    Store.Watch watch;
    synchronized (this) {
      watch = storeWatch;  // the events thread cancels any it makes from now on
    }
    if (watch != null) {
      watch.cancel();
    }
    for (CacheWatcher<T> watcher : watchers) {
      watcher.closeWithBookmark();
    }
    events.shutdownNow();
  }



  /** For the watcher's bookmarks: the latest revision, as an object carrying only it. */
  T bookmark(long atRevision) {
    return kind.forClient(kind.prototype(), atRevision);
  }
}
