package io.skiff.controlplane.watch;

/**
 * The recent events of one kind, addressed by absolute position (the n-th event
 * ever appended), so a watcher's cursor stays valid while the ring turns. Not
 * thread-safe: the cache guards it.
 */
final class EventRing<T> {
  private final CacheEvent<T>[] slots;
  private long start;
  private long end;

  @SuppressWarnings("unchecked")
  EventRing(int capacity) {
    this.slots = new CacheEvent[capacity];
  }

  /** Appends; returns the event pushed out to make room, or null. */
  CacheEvent<T> append(CacheEvent<T> event) {
    CacheEvent<T> evicted = null;
    if (end - start == slots.length) {
      evicted = slots[(int) (start % slots.length)];
      start++;
    }
    slots[(int) (end % slots.length)] = event;
    end++;
    return evicted;
  }

  CacheEvent<T> get(long position) {
    if (position < start || position >= end) {
      throw new IndexOutOfBoundsException(position + " not in [" + start + ", " + end + ")");
    }
    return slots[(int) (position % slots.length)];
  }

  /** Position of the oldest event held. */
  long start() {
    return start;
  }

  /** Position the next event will take. */
  long end() {
    return end;
  }

  /** The first position whose event is after {@code revision} (events are in revision order). */
  long firstAfter(long revision) {
    long lo = start;
    long hi = end;
    while (lo < hi) {
      long mid = (lo + hi) >>> 1;
      if (get(mid).revision() <= revision) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  void clear() {
    start = end;
  }
}
