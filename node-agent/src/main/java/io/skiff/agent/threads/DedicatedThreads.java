package io.skiff.agent.threads;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** An agent process's threads: each part gets its own, named after it, as a thread dump should show them. */
public final class DedicatedThreads implements AgentThreads {
  @Override
  public ScheduledExecutorService scheduler(String name, int threads) {
    return Executors.newScheduledThreadPool(threads, daemons(name, threads));
  }

  @Override
  public ExecutorService workers(String name, int threads) {
    return Executors.newFixedThreadPool(threads, daemons(name, threads));
  }

  @Override
  public ExecutorService onDemand(String name) {
    return Executors.newCachedThreadPool(daemons(name, 1));
  }

  /** Daemon threads called {@code name}, or {@code name-0}, {@code name-1} ... when there are several. */
  static ThreadFactory daemons(String name, int threads) {
    AtomicInteger sequence = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, threads == 1 ? name : name + "-" + sequence.getAndIncrement());
      t.setDaemon(true);
      return t;
    };
  }
}
