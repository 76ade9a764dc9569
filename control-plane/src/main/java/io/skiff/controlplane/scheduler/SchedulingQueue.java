package io.skiff.controlplane.scheduler;

import io.skiff.client.workqueue.WorkQueue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * The pods waiting for a node, by key ("namespace/name"): a FIFO work queue (a key added while it
 * waits is queued once), and beside it the pods that fit nowhere, parked until something changes
 * that could make room ({@link #moveAllToActive}: a node added or changed, a pod gone from a node)
 * or until they have waited long enough ({@link #moveParkedOlderThan}).
 *
 * <p>A move counts as a new cycle. A pod whose attempt began before the latest move is not parked
 * but queued again, since the change that move announced may be one its attempt did not see.
 *
 * <p>Thread-safe.
 */
final class SchedulingQueue implements AutoCloseable {
  private final WorkQueue<String> active = new WorkQueue<>("scheduler", Duration.ofMillis(50), Duration.ofSeconds(10));
  /** Parked keys and when each was parked (System.nanoTime); guarded by {@code this}. */
  private final Map<String, Long> parked = new HashMap<>();
  /** How many moves there have been; guarded by {@code this}. */
  private long cycle;

  /** Queues a pod to be tried (again) now. */
  void add(String key) {
    synchronized (this) {
      parked.remove(key);
    }
    active.add(key);
  }

  void addAfter(String key, Duration delay) {
    active.addAfter(key, delay);
  }

  /** Forgets a parked pod (it is gone, bound, or being tried now). */
  synchronized void unpark(String key) {
    parked.remove(key);
  }

  /** The cycle an attempt begins in: read it before the cluster view the attempt decides on. */
  synchronized long cycle() {
    return cycle;
  }

  /** Parks a pod that fit nowhere in an attempt begun in {@code attemptCycle}; queues it again if a move came since. */
  void park(String key, long attemptCycle) {
    synchronized (this) {
      if (attemptCycle == cycle) {
        parked.put(key, System.nanoTime());
        return;
      }
    }
    active.add(key);
  }

  /** Something changed that may let parked pods fit: queue them all again. */
  void moveAllToActive() {
    List<String> keys;
    synchronized (this) {
      cycle++;
      keys = new ArrayList<>(parked.keySet());
      parked.clear();
    }
    keys.forEach(active::add);
  }

  /** Queues again the pods parked longer than {@code age}. */
  void moveParkedOlderThan(Duration age) {
    List<String> keys = new ArrayList<>();
    long now = System.nanoTime();
    synchronized (this) {
      parked.entrySet().removeIf(e -> {
        boolean old = now - e.getValue() >= age.toNanos();
        if (old) {
          keys.add(e.getKey());
        }
        return old;
      });
    }
    keys.forEach(active::add);
  }

  synchronized int parkedCount() {
    return parked.size();
  }

  int activeCount() {
    return active.length();
  }

  /** Works the active queue on the calling thread until {@link #close} (see {@link WorkQueue#process}). */
  void process(Function<String, Duration> work, BiConsumer<String, RuntimeException> failed) {
    active.process(work, failed);
  }

  @Override
  public void close() {
    active.close();
  }
}
