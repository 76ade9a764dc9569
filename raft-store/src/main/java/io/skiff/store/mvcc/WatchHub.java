package io.skiff.store.mvcc;

import io.skiff.proto.etcd.WatchCreateRequest;
import io.skiff.proto.mvcc.Event;
import io.skiff.proto.mvcc.KeyValue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReadWriteLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers the store's changes to watchers, after etcd's watchable store.
 * Watchers are <em>synced</em> (at the head: the apply thread hands them each
 * revision as it commits) or <em>unsynced</em> (behind: a start revision in the
 * past, or a sink that was full — etcd's victims). One background thread reads
 * history for unsynced watchers and moves them to synced once they reach the head.
 *
 * <p>Exactly-once, in order: a watcher's {@code nextRevision} only grows, and
 * every delivery covers revisions from it onwards. The apply thread notifies
 * with the store's write lock held; the catch-up thread reads history and joins
 * watchers to the synced set with the read lock held, so no revision falls
 * between history and notification. Lock order: store lock, then this hub.
 *
 * <p>The apply thread never blocks on a client: sinks only {@code offer}.
 */
public final class WatchHub implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(WatchHub.class);
  /** Catch-up delivers at most this many revisions per send, to bound message size. */
  private static final int MAX_REVISIONS_PER_SEND = 256;
  private static final long POLL_MILLIS = 20;

  private final MvccStore store;
  private final ReadWriteLock storeLock;
  private final long progressIntervalNanos;
  private final Set<Watcher> synced = new LinkedHashSet<>();
  private final Set<Watcher> unsynced = new LinkedHashSet<>();
  private final Thread catchUp;
  private volatile boolean closed;

  public WatchHub(MvccStore store, ReadWriteLock storeLock, Duration progressInterval) {
    this.store = store;
    this.storeLock = storeLock;
    this.progressIntervalNanos = progressInterval.toNanos();
    this.catchUp = new Thread(this::runCatchUp, "watch-catch-up");
    this.catchUp.setDaemon(true);
  }

  public void start() {
    catchUp.start();
  }

  /**
   * Registers a watcher from {@code request.start_revision} (or the next
   * revision when it is 0). A start revision below the compaction ends the
   * watcher through {@link WatchSink#compacted}.
   */
  public Watcher watch(WatchCreateRequest request, WatchSink sink) {
    Watcher w = new Watcher(request, sink, this);
    storeLock.readLock().lock();
    try {
      long current = store.revision();
      synchronized (this) {
        w.nextRevision = request.getStartRevision() > 0 ? request.getStartRevision() : current + 1;
        (w.nextRevision > current ? synced : unsynced).add(w);
        notifyAll();
      }
    } finally {
      storeLock.readLock().unlock();
    }
    return w;
  }

  synchronized void remove(Watcher w) {
    synced.remove(w);
    unsynced.remove(w);
  }

  public synchronized int size() {
    return synced.size() + unsynced.size();
  }

  /** Called on the apply thread, under the store's write lock, for each committed revision. */
  synchronized void onRevision(long revision, List<KeyHistory.Version> changes) {
    var it = synced.iterator();
    while (it.hasNext()) {
      Watcher w = it.next();
      if (revision < w.nextRevision) {
        continue; // already delivered by catch-up
      }
      List<Event> events = new ArrayList<>();
      collect(w, revision, changes, events);
      if (!events.isEmpty()) {
        if (!w.sink.send(events, revision)) {
          it.remove(); // a victim: it catches up from history when its sink drains
          unsynced.add(w);
          continue;
        }
        w.lastSentNanos = System.nanoTime();
      }
      w.nextRevision = revision + 1;
    }
  }

  /** After the state was replaced (a snapshot was installed): everyone catches up from history. */
  synchronized void resync() {
    unsynced.addAll(synced);
    synced.clear();
    notifyAll();
  }

  private void collect(Watcher w, long revision, List<KeyHistory.Version> changes, List<Event> out) {
    for (KeyHistory.Version v : changes) {
      if (!w.range.contains(v.kv().getKey())) {
        continue;
      }
      Event.EventType type = v.tombstone() ? Event.EventType.DELETE : Event.EventType.PUT;
      if (!w.wants(type)) {
        continue;
      }
      Event.Builder e = Event.newBuilder().setType(type).setKv(v.kv());
      if (w.prevKv) {
        KeyValue prev = store.liveAt(v.kv().getKey(), revision - 1);
        if (prev != null) {
          e.setPrevKv(prev);
        }
      }
      out.add(e.build());
    }
  }

  private void runCatchUp() {
    while (!closed) {
      try {
        synchronized (this) {
          wait(POLL_MILLIS);
        }
        catchUpOnce();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException e) {
        log.error("watch catch-up failed; retrying", e);
      }
    }
  }

  /** One round: advance every unsynced watcher whose sink has room; send due progress notifications. */
  void catchUpOnce() {
    storeLock.readLock().lock();
    try {
      synchronized (this) {
        long current = store.revision();
        for (Watcher w : List.copyOf(unsynced)) {
          advance(w, current);
        }
        sendProgress(current);
      }
    } finally {
      storeLock.readLock().unlock();
    }
  }

  private void advance(Watcher w, long current) {
    if (!w.sink.ready()) {
      return;
    }
    if (w.nextRevision < store.compactRevision()) {
      unsynced.remove(w);
      w.sink.compacted(store.compactRevision());
      return;
    }
    long to = Math.min(current, w.nextRevision + MAX_REVISIONS_PER_SEND - 1);
    if (w.nextRevision <= to) {
      List<Event> events = new ArrayList<>();
      for (Map.Entry<Long, List<KeyHistory.Version>> e : store.changes(w.nextRevision, to).entrySet()) {
        collect(w, e.getKey(), e.getValue(), events);
      }
      if (!events.isEmpty()) {
        if (!w.sink.send(events, to)) {
          return;
        }
        w.lastSentNanos = System.nanoTime();
      }
      w.nextRevision = to + 1;
    }
    if (w.nextRevision > current) {
      unsynced.remove(w);
      synced.add(w);
    }
  }

  private void sendProgress(long current) {
    long now = System.nanoTime();
    for (Watcher w : synced) {
      if (w.progressNotify && now - w.lastSentNanos >= progressIntervalNanos && w.sink.ready()) {
        w.sink.progress(current);
        w.lastSentNanos = now;
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    catchUp.interrupt();
  }
}
