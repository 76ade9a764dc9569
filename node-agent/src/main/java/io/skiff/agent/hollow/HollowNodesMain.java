package io.skiff.agent.hollow;

import java.lang.management.ManagementFactory;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A process of hollow nodes, for scale tests and benchmarks (see {@link HollowFlags#USAGE}): starts
 * them, says how long they took to register and what they cost, and runs until SIGTERM.
 */
public final class HollowNodesMain {
  private static final Logger log = LoggerFactory.getLogger(HollowNodesMain.class);
  private static final long PROGRESS_MILLIS = 5_000;

  private HollowNodesMain() {
  }

  public static void main(String[] args) throws Exception {
    HollowFlags flags;
    try {
      flags = HollowFlags.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("hollow-nodes: " + e.getMessage());
      System.err.println(HollowFlags.USAGE);
      System.exit(2);
      return;
    }
    if (flags == null) {
      System.out.println(HollowFlags.USAGE);
      return;
    }
    HollowNodes hollow = new HollowNodes(flags.template(), flags.port(), flags.credentials());
    CountDownLatch stopped = new CountDownLatch(1);
    AtomicBoolean stopping = new AtomicBoolean();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      stopping.set(true);
      try {
        hollow.close();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        stopped.countDown();
      }
    }, "shutdown"));
    long start = System.nanoTime();
    try {
      hollow.start(flags.prefix(), flags.count(), flags.cpus(), flags.memoryBytes());
    } catch (IllegalStateException e) {
      if (stopping.get()) {
        return;  // stopped while starting them
      }
      throw e;
    }
    long registered;
    while ((registered = hollow.registered()) < flags.count()) {
      log.info("{} of {} hollow nodes registered", registered, flags.count());
      if (stopped.await(PROGRESS_MILLIS, TimeUnit.MILLISECONDS)) {
        return;
      }
    }
    log.info("{} hollow nodes registered in {} ms; {} threads, {} MiB of heap in use; logs served on port {}",
        flags.count(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start),
        ManagementFactory.getThreadMXBean().getThreadCount(),
        ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() >> 20, hollow.port());
    stopped.await();
  }
}
