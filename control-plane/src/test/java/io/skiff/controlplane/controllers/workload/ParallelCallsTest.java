package io.skiff.controlplane.controllers.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Collections;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ParallelCallsTest {
  private final ExecutorService executor = Executors.newFixedThreadPool(16);

  @AfterEach
  void stop() {
    executor.shutdownNow();
  }

  @Test
  void allCallsRunAtOnce() throws InterruptedException {
    CountDownLatch everyoneIn = new CountDownLatch(8);
    Runnable call = () -> {
      everyoneIn.countDown();
      try {
        // only returns true if all eight are running together
        if (!everyoneIn.await(10, TimeUnit.SECONDS)) {
          throw new IllegalStateException("the calls did not run in parallel");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    };
    ParallelCalls.Outcome outcome = ParallelCalls.all(executor, Collections.nCopies(8, call));
    assertEquals(8, outcome.successes());
    assertNull(outcome.failure());
  }

  @Test
  void slowStartDoublesTheBatchAndStopsAfterTheFirstFailingOne() throws InterruptedException {
    AtomicInteger calls = new AtomicInteger();
    // batches of 1, 2, 4, ...: the 5th call is in the third batch (calls 4 to 7), which is the last
    ParallelCalls.Outcome outcome = ParallelCalls.slowStart(executor, 100, () -> {
      if (calls.incrementAndGet() == 5) {
        throw new IllegalStateException("quota exceeded");
      }
    });
    assertEquals(7, calls.get());
    assertEquals(6, outcome.successes());
    assertEquals("quota exceeded", outcome.failure().getMessage());
  }

  @Test
  void slowStartMakesExactlyTheCallsAskedFor() throws InterruptedException {
    AtomicInteger calls = new AtomicInteger();
    ParallelCalls.Outcome outcome = ParallelCalls.slowStart(executor, 100, calls::incrementAndGet);
    assertEquals(100, calls.get());
    assertEquals(100, outcome.successes());
    assertNull(outcome.failure());
  }
}
