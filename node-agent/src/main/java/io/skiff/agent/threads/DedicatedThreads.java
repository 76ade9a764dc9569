package io.skiff.agent.threads;

import io.skiff.client.DaemonThreads;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/** An agent process's threads: each part gets its own, named after it, as a thread dump should show them. */
public final class DedicatedThreads implements AgentThreads {
  @Override
  public ScheduledExecutorService scheduler(String name, int threads) {
    return Executors.newScheduledThreadPool(threads, DaemonThreads.forPool(name, threads));
  }

  @Override
  public ExecutorService workers(String name, int threads) {
    return Executors.newFixedThreadPool(threads, DaemonThreads.forPool(name, threads));
  }

  @Override
  public ExecutorService onDemand(String name) {
    return Executors.newCachedThreadPool(DaemonThreads.named(name));
  }

}
