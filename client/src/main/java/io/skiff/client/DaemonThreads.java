package io.skiff.client;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Thread factories for the background threads of Skiff's components: daemon threads (a process
 * ends when its main work does, whatever timers and pools remain) with names that say whose they
 * are in a thread dump.
 */
public final class DaemonThreads {
  private DaemonThreads() {
  }

  /** Threads all named {@code name}: for single-thread executors. */
  public static ThreadFactory named(String name) {
    return r -> thread(name, r);
  }

  /** Threads named {@code prefix-0}, {@code prefix-1}, ...: for pools. */
  public static ThreadFactory numbered(String prefix) {
    AtomicInteger sequence = new AtomicInteger();
    return r -> thread(prefix + "-" + sequence.getAndIncrement(), r);
  }

  /** {@link #named} for one thread, {@link #numbered} for more. */
  public static ThreadFactory forPool(String name, int threads) {
    return threads == 1 ? named(name) : numbered(name);
  }

  /** A daemon thread, not yet started. */
  public static Thread thread(String name, Runnable task) {
    Thread t = new Thread(task, name);
    t.setDaemon(true);
    return t;
  }
}
