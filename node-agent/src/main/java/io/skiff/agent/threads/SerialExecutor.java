package io.skiff.agent.threads;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs tasks one at a time, in the order given, on another executor: an ordered lane over a pool,
 * as one thread of its own would be, that holds a thread of the pool only while tasks wait. A task
 * that throws is logged and the lane goes on. Thread-safe.
 */
public final class SerialExecutor implements Executor {
  private static final Logger log = LoggerFactory.getLogger(SerialExecutor.class);

  private final Executor executor;
  private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
  /** Whether a drain is submitted or running: it runs until the queue is empty. */
  private boolean draining;

  public SerialExecutor(Executor executor) {
    this.executor = executor;
  }

  @Override
  public synchronized void execute(Runnable task) {
    tasks.add(task);
    if (!draining) {
      draining = true;
      try {
        executor.execute(this::drain);
      } catch (RejectedExecutionException e) {
        draining = false;
        tasks.clear();
        throw e;
      }
    }
  }

  private void drain() {
    while (true) {
      Runnable next;
      synchronized (this) {
        next = tasks.poll();
        if (next == null) {
          draining = false;
          return;
        }
      }
      try {
        next.run();
      } catch (RuntimeException e) {
        log.error("a task of a serial executor failed", e);
      }
    }
  }
}
