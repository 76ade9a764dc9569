package io.skiff.client.workqueue;

import io.skiff.client.DaemonThreads;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * A work queue of keys in the manner of client-go's: a key added many times while it waits is
 * queued once; a key being processed is not handed to a second worker, and if it was added
 * meanwhile it is queued again when its worker is {@link #done}. Delayed and rate-limited adds
 * (per-key exponential delay, reset by {@link #forget}) go through a timer. Workers either loop on
 * threads of their own ({@link #process}) or are tasks on an executor that run only while keys
 * wait ({@link #processOn}), so that many queues can share a pool. Thread-safe.
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
  /** Set by {@link #processOn}: where worker tasks run, how many may at once, and how they handle keys. */
  private Executor executor;
  private int maxWorkers;
  private int workers;
  private Function<K, Duration> work;
  private BiConsumer<K, RuntimeException> failed;

  /** A queue whose delayed adds wait on a timer thread of its own, named after the queue. */
  public WorkQueue(String name, Duration baseDelay, Duration maxDelay) {
    this(Executors.newSingleThreadScheduledExecutor(DaemonThreads.named(name + "-delays")), baseDelay, maxDelay);
  }

  /** A queue whose delayed adds wait on {@code timer}, which is shut down with the queue. */
  public WorkQueue(ScheduledExecutorService timer, Duration baseDelay, Duration maxDelay) {
    this.timer = timer;
    this.baseDelay = baseDelay;
    this.maxDelay = maxDelay;
  }

  public synchronized void add(K key) {
    if (closed || !dirty.add(key) || processing.contains(key)) {
      return;
    }
    queue.add(key);
    notifyAll();
    dispatch();
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
    return poll();
  }

  /** The worker is through with {@code key}; it is queued again if it was added meanwhile. */
  public synchronized void done(K key) {
    processing.remove(key);
    if (dirty.contains(key) && !closed) {
      queue.add(key);
      notifyAll();
      dispatch();
    }
  }

  /**
   * Works the queue on the calling thread until it closes or the thread is
   * interrupted: {@code work} runs for each key taken; a key it returns for is
   * forgotten (its back-off reset) and comes back after the delay it returns
   * (null: only when added again); one it throws for is told to {@code failed}
   * and comes back rate-limited.
   */
  public void process(Function<K, Duration> work, BiConsumer<K, RuntimeException> failed) {
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
      handle(key, work, failed);
    }
  }

  /**
   * Works the queue on {@code executor}, keys handled as by {@link #process}: while keys wait, up to
   * {@code maxWorkers} tasks run there, each taking keys until none is left. A worker so holds a
   * thread only while there is work. The executor must not run tasks on the calling thread; once it
   * refuses them (shut down), keys wait until the queue closes.
   */
  public synchronized void processOn(Executor executor, int maxWorkers, Function<K, Duration> work,
      BiConsumer<K, RuntimeException> failed) {
    if (this.executor != null) {
      throw new IllegalStateException("the queue is already being processed");
    }
    this.executor = executor;
    this.maxWorkers = maxWorkers;
    this.work = work;
    this.failed = failed;
    for (int i = 0; i < Math.min(maxWorkers, queue.size()); i++) {
      dispatch();
    }
  }

  /** Starts one more worker task if keys wait and fewer than the most allowed run. Called with the lock held. */
  private void dispatch() {
    if (executor == null || closed || workers >= maxWorkers || queue.isEmpty()) {
      return;
    }
    workers++;
    try {
      executor.execute(this::drain);
    } catch (RejectedExecutionException e) {
      workers--;
    }
  }

  /** One worker task: keys until none waits. Leaving, it looks again, so a key added as it left is not stranded. */
  private void drain() {
    try {
      K key;
      while ((key = poll()) != null) {
        handle(key, work, failed);
      }
    } finally {
      synchronized (this) {
        workers--;
        dispatch();
      }
    }
  }

  /** The next key to process, or null when none waits (or the queue is closed). */
  private synchronized K poll() {
    if (closed || queue.isEmpty()) {
      return null;
    }
    K key = queue.poll();
    dirty.remove(key);
    processing.add(key);
    return key;
  }

  private void handle(K key, Function<K, Duration> work, BiConsumer<K, RuntimeException> failed) {
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
