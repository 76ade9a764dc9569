package io.skiff.agent.threads;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Where the parts of an agent run their timers and workers. An agent process gives each part
 * threads of its own, named after it ({@link DedicatedThreads}); the hollow nodes of one JVM run
 * the parts of all of them on a few shared pools ({@link SharedThreads}), so that a thousand nodes
 * need tens of threads, not ten thousand. Either way a part shuts down what it got, and that ends
 * its own tasks only. Thread-safe.
 */
public interface AgentThreads {
  /**
   * A scheduler for one part's timers, on at most {@code threads} threads. Its tasks may run on
   * different threads, though never two runs of one periodic task at once: a part whose tasks
   * must not overlap schedules each from the one before.
   */
  ScheduledExecutorService scheduler(String name, int threads);

  /** Where a part's work-queue workers run: short tasks, at most {@code threads} at once. */
  ExecutorService workers(String name, int threads);

  /** For tasks that may wait long (a grace period, a followed log): a thread each, made when needed. */
  ExecutorService onDemand(String name);
}
