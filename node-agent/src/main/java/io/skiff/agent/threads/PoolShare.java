package io.skiff.agent.threads;

import java.util.List;
import java.util.Set;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * One part's share of a scheduled pool that many parts use: its tasks run on the pool, but it has a
 * lifecycle of its own. Shutting it down cancels its own tasks — those waiting, and with
 * {@link #shutdownNow} those running too (interrupted) — and leaves the pool and the other parts'
 * tasks alone. Unlike a pool's own shutdown, {@link #shutdown} also drops delayed tasks that have
 * not started, and a cancelled task still running counts as ended. Thread-safe.
 */
final class PoolShare extends AbstractExecutorService implements ScheduledExecutorService {
  private final ScheduledExecutorService pool;
  /** Its tasks not known to be done: done ones are dropped as new ones come. */
  private final Set<Future<?>> tasks = ConcurrentHashMap.newKeySet();
  private volatile boolean shutdown;

  PoolShare(ScheduledExecutorService pool) {
    this.pool = pool;
  }

  @Override
  public void execute(Runnable task) {
    schedule(task, 0, TimeUnit.NANOSECONDS);
  }

  @Override
  public ScheduledFuture<?> schedule(Runnable task, long delay, TimeUnit unit) {
    return track(() -> pool.schedule(task, delay, unit));
  }

  @Override
  public <V> ScheduledFuture<V> schedule(Callable<V> task, long delay, TimeUnit unit) {
    return track(() -> pool.schedule(task, delay, unit));
  }

  @Override
  public ScheduledFuture<?> scheduleAtFixedRate(Runnable task, long initialDelay, long period, TimeUnit unit) {
    return track(() -> pool.scheduleAtFixedRate(task, initialDelay, period, unit));
  }

  @Override
  public ScheduledFuture<?> scheduleWithFixedDelay(Runnable task, long initialDelay, long delay, TimeUnit unit) {
    return track(() -> pool.scheduleWithFixedDelay(task, initialDelay, delay, unit));
  }

  private <F extends Future<?>> F track(Supplier<F> submit) {
    if (shutdown) {
      throw new RejectedExecutionException("this part's tasks are shut down");
    }
    tasks.removeIf(Future::isDone);
    F future = submit.get();
    tasks.add(future);
    if (shutdown) {
      future.cancel(false);  // shut down while it was being submitted
    }
    return future;
  }

  @Override
  public void shutdown() {
    shutdown = true;
    tasks.forEach(f -> f.cancel(false));
  }

  /** Cancels and interrupts its tasks; returns none of them. */
  @Override
  public List<Runnable> shutdownNow() {
    shutdown = true;
    tasks.forEach(f -> f.cancel(true));
    return List.of();
  }

  @Override
  public boolean isShutdown() {
    return shutdown;
  }

  @Override
  public boolean isTerminated() {
    return shutdown && tasks.stream().allMatch(Future::isDone);
  }

  @Override
  public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
    long deadline = System.nanoTime() + unit.toNanos(timeout);
    for (Future<?> task : tasks) {
      try {
        task.get(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
      } catch (CancellationException | ExecutionException e) {
        // ended either way
      } catch (TimeoutException e) {
        return false;
      }
    }
    return isTerminated();
  }
}
