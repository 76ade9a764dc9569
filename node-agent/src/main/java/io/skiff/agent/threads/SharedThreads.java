package io.skiff.agent.threads;

import io.skiff.client.DaemonThreads;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;

/**
 * Pools that the parts of many agents share: the hollow nodes of one JVM. Timers (heartbeats,
 * relists, probes, delayed adds) have a pool apart from the workers that sync pods and write their
 * statuses, so that a burst of pod work never holds up a node's lease. Each part gets a
 * {@link PoolShare} of a pool, whose shutdown ends that part's tasks only; closing this ends the
 * pools. Tasks that wait long get threads made on demand, which end when idle.
 */
public final class SharedThreads implements AgentThreads, AutoCloseable {
  private final ScheduledThreadPoolExecutor timers;
  private final ScheduledThreadPoolExecutor workers;

  public SharedThreads(int timerThreads, int workerThreads) {
    this.timers = pool("shared-timer", timerThreads);
    this.workers = pool("shared-worker", workerThreads);
  }

  private static ScheduledThreadPoolExecutor pool(String name, int threads) {
    ScheduledThreadPoolExecutor pool = new ScheduledThreadPoolExecutor(threads,
        DaemonThreads.forPool(name, threads));
    // a thousand parts cancel their timers on stop: cancelled tasks must not wait out their delays in the queue
    pool.setRemoveOnCancelPolicy(true);
    return pool;
  }

  @Override
  public ScheduledExecutorService scheduler(String name, int threads) {
    return new PoolShare(timers);
  }

  @Override
  public ExecutorService workers(String name, int threads) {
    return new PoolShare(workers);
  }

  /** A cached pool per part: no thread until a task comes, and its threads end a minute after their last task. */
  @Override
  public ExecutorService onDemand(String name) {
    return Executors.newCachedThreadPool(DaemonThreads.named(name));
  }

  @Override
  public void close() {
    timers.shutdownNow();
    workers.shutdownNow();
  }
}
