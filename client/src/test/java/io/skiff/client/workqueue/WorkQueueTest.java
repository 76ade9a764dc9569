package io.skiff.client.workqueue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Repeated adds collapse; a key being processed goes to no second worker, and comes back if added
 * meanwhile; workers on an executor run no more at once than allowed and hold no thread when idle.
 */
class WorkQueueTest {
  @Test
  void addsCollapseAndAKeyIsProcessedByOneWorkerAtATime() throws Exception {
    try (WorkQueue<String> queue = new WorkQueue<>("test", Duration.ofMillis(10), Duration.ofSeconds(1))) {
      queue.add("a");
      queue.add("a");
      queue.add("b");
      assertEquals(2, queue.length());
      assertEquals("a", queue.take());
      queue.add("a");
      assertEquals(1, queue.length(), "a is being processed: not queued again yet");
      assertEquals("b", queue.take());
      queue.done("a");
      assertEquals("a", queue.take(), "added while processed: queued again when done");
      queue.done("a");
      queue.done("b");
      assertEquals(0, queue.length());
      queue.close();
      assertNull(queue.take());
    }
  }

  @Test
  void workersOnAnExecutorHandleEveryKeyWithinTheirLimitAndLeaveNoThreadBusy() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try (WorkQueue<Integer> queue = new WorkQueue<>("test", Duration.ofMillis(10), Duration.ofSeconds(1))) {
      AtomicInteger running = new AtomicInteger();
      AtomicInteger most = new AtomicInteger();
      Map<Integer, Integer> runs = new ConcurrentHashMap<>();
      CountDownLatch handled = new CountDownLatch(100 + 1);
      queue.processOn(pool, 2, key -> {
        most.accumulateAndGet(running.incrementAndGet(), Math::max);
        try {
          int run = runs.merge(key, 1, Integer::sum);
          if (key == 0 && run == 1) {
            throw new IllegalStateException("the first try of key 0 fails");
          }
          handled.countDown();
          return key == 1 && run == 1 ? Duration.ofMillis(20) : null;  // key 1 asks for another look
        } finally {
          running.decrementAndGet();
        }
      }, (key, e) -> { });
      for (int i = 0; i < 100; i++) {
        queue.add(i);
      }
      assertTrue(handled.await(10, TimeUnit.SECONDS), "every key handled, key 0 after its failure, key 1 twice");
      assertTrue(most.get() <= 2, "at most 2 workers at once, saw " + most.get());
      assertEquals(2, runs.get(0));
      assertEquals(2, runs.get(1));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (((ThreadPoolExecutor) pool).getActiveCount() > 0 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertEquals(0, ((ThreadPoolExecutor) pool).getActiveCount(), "idle workers hold no thread");
    } finally {
      pool.shutdownNow();
    }
  }
}
