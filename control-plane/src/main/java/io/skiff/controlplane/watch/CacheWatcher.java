package io.skiff.controlplane.watch;

import com.google.protobuf.Message;
import io.skiff.controlplane.registry.ApiException;
import io.skiff.controlplane.registry.ObjectFilter;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One client watch: a cursor into the cache's ring, moved forward only while
 * the client's transport is ready, so a slow client costs a cursor, not a
 * queue. A client that falls behind the ring's end gets OUT_OF_RANGE.
 * Delivery runs on a shared executor, one pass at a time per watcher.
 */
public final class CacheWatcher<T extends Message> {
  private final WatchCache<T> cache;
  private final ObjectFilter<T> filter;
  private final boolean allowBookmarks;
  private final WatchOutput<T> output;
  private final Executor executor;
  private final AtomicInteger wanted = new AtomicInteger();
  // touched only by the delivery pass (serialized by `wanted`)
  private final ArrayDeque<T> initial;
  private boolean initialBookmarkPending;
  private long position;
  private long since;
  private long lastSent;
  private volatile boolean bookmarkDue;
  private volatile boolean ending;
  private volatile boolean cancelled;
  private volatile ApiException failure;
  private boolean done;

  CacheWatcher(WatchCache<T> cache, ObjectFilter<T> filter, long since, boolean allowBookmarks, List<T> initial,
      boolean initialBookmark, long position, WatchOutput<T> output, Executor executor) {
    this.cache = cache;
    this.filter = filter;
    this.since = since;
    this.lastSent = since;
    this.allowBookmarks = allowBookmarks;
    this.initial = new ArrayDeque<>(initial);
    this.initialBookmarkPending = initialBookmark;
    this.position = position;
    this.output = output;
    this.executor = executor;
  }

  /** The revision this watcher has delivered up to. */
  long since() {
    return since;
  }

  /** Asks for a delivery pass: new events arrived, or the transport became ready. */
  public void wake() {
    if (wanted.getAndIncrement() == 0) {
      try {
        executor.execute(this::deliver);
      } catch (RejectedExecutionException e) {
        // the master is stopping: its last passes have ended every watch
      }
    }
  }

  /** The client went away. */
  public void cancel() {
    cancelled = true;
    cache.remove(this);
  }

  void bookmarkDue() {
    if (allowBookmarks) {
      bookmarkDue = true;
      wake();
    }
  }

  void fail(ApiException error) {
    failure = error;
    wake();
  }

  void closeWithBookmark() {
    bookmarkDue = allowBookmarks;
    ending = true;
    wake();
  }

  private void deliver() {
    do {
      if (cancelled) {
        done = true;
      }
      if (!done) {
        pass();
      }
    } while (wanted.decrementAndGet() != 0);
  }

  private void pass() {
    try {
      if (failure != null) {
        throw failure;
      }
      while (output.isReady() && !initial.isEmpty()) {
        output.send(CacheEvent.ADDED, initial.poll());
      }
      if (!output.isReady()) {
        if (ending) {
          // no last bookmark: it would pass events the client has not taken; it resumes from its last event
          finish(null);
        }
        return;
      }
      if (initialBookmarkPending) {
        output.send(CacheEvent.BOOKMARK, cache.bookmark(since));
        initialBookmarkPending = false;
      }
      CacheEvent<T> event;
      while (output.isReady() && (event = cache.eventAt(position)) != null) {
        position++;
        if (event.revision() <= since) {
          continue;
        }
        since = event.revision();
        T object = event.object();
        boolean now = !event.type().equals(CacheEvent.DELETED) && filter.matches(event.facts(false, filter::facts));
        boolean before = event.previous() != null && filter.matches(event.facts(true, filter::facts));
        String sent;
        if (now && before) {
          sent = CacheEvent.MODIFIED;
        } else if (now) {
          sent = CacheEvent.ADDED;
        } else if (before) {
          // deleted, or changed so that it no longer matches: the client's view loses it
          sent = CacheEvent.DELETED;
        } else {
          continue;
        }
        long revision = event.revision();
        output.send(event.as(sent, previous -> cache.kind().forClient(previous, revision)));
        lastSent = event.revision();
      }
      long caughtUp;
      if (bookmarkDue && output.isReady() && (caughtUp = cache.bookmarkRevision(position)) >= 0) {
        long revision = Math.max(caughtUp, since);
        if (revision > lastSent || ending) {
          output.send(CacheEvent.BOOKMARK, cache.bookmark(revision));
          lastSent = revision;
          since = revision;
        }
        bookmarkDue = false;
      }
      if (ending) {
        finish(null);
      }
    } catch (ApiException e) {
      finish(e);
    } catch (RuntimeException e) {
      finish(new ApiException(io.grpc.Status.Code.INTERNAL, "watch failed: " + e));
    }
  }

  private void finish(ApiException error) {
    done = true;
    cache.remove(this);
    if (error == null) {
      output.close();
    } else {
      output.fail(error);
    }
  }
}
