package io.skiff.client.workqueue;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A work queue of keys in the manner of client-go's: a key added many times while it waits is
 * queued once; a key being processed is not handed to a second worker, and if it was added
 * meanwhile it is queued again when its worker is {@link #done}. Delayed and rate-limited adds
 * (per-key exponential delay, reset by {@link #forget}) go through a timer. Thread-safe.
 */
public final class WorkQueue<K> implements AutoCloseable {
  private final ArrayDeque<K> queue = new ArrayDeque<>();
  /** Keys that need processing: queued ones, and processing ones added again. */
  private final Set<K> dirty = new HashSet<>();
  private final Set<K> processing = new HashSet<>();
  private final Map<K, Integer> failures = new HashMap<>();
  private final ScheduledExecutorService timer;
  private final Duration baseDelay;
  private final Duration maxDelay;
  private boolean closed;

  public WorkQueue(String name, Duration baseDelay, Duration maxDelay) {
    this.baseDelay = baseDelay;
    this.maxDelay = maxDelay;
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, name + "-delays");
      t.setDaemon(true);
      return t;
    });
  }

  public synchronized void add(K key) {
    if (closed || !dirty.add(key) || processing.contains(key)) {
      return;
    }
    queue.add(key);
    notifyAll();
  }

  public void addAfter(K key, Duration delay) {
    if (delay.isZero() || delay.isNegative()) {
      add(key);
      return;
    }
    synchronized (this) {
      if (closed) {
        return;
      }
      timer.schedule(() -> add(key), delay.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  /** Adds after this key's own back-off, which doubles with each call until {@link #forget}. */
  public void addRateLimited(K key) {
    int n;
    synchronized (this) {
      n = failures.merge(key, 1, Integer::sum);
    }
    long millis = baseDelay.toMillis() << Math.min(n - 1, 30);
    addAfter(key, Duration.ofMillis(Math.min(millis, maxDelay.toMillis())));
  }

  public synchronized void forget(K key) {
    failures.remove(key);
  }

  /** The next key to process, waiting for one; null once the queue is closed. */
  public synchronized K take() throws InterruptedException {
    while (queue.isEmpty() && !closed) {
      wait();
    }
    if (closed) {
      return null;
    }
    K key = queue.poll();
    dirty.remove(key);
    processing.add(key);
    return key;
  }

  /** The worker is through with {@code key}; it is queued again if it was added meanwhile. */
  public synchronized void done(K key) {
    processing.remove(key);
    if (dirty.contains(key) && !closed) {
      queue.add(key);
      notifyAll();
    }
  }

  /**
   * Works the queue on the calling thread until it closes or the thread is
   * interrupted: {@code work} runs for each key taken; a key it returns for is
   * forgotten (its back-off reset) and comes back after the delay it returns
   * (null: only when added again); one it throws for is told to {@code failed}
   * and comes back rate-limited.
   */
  public void process(java.util.function.Function<K, Duration> work,
      java.util.function.BiConsumer<K, RuntimeException> failed) {
    while (true) {
      K key;
      try {
        key = take();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      if (key == null) {
        return;
      }
      try {
        Duration again = work.apply(key);
        forget(key);
        if (again != null) {
          addAfter(key, again);
        }
      } catch (RuntimeException e) {
        failed.accept(key, e);
        addRateLimited(key);
      } finally {
        done(key);
      }
    }
  }

  public synchronized int length() {
    return queue.size();
  }

  @Override
  public synchronized void close() {
    closed = true;
    timer.shutdownNow();
    notifyAll();
  }
}
