package io.skiff.client.workqueue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Repeated adds collapse; a key being processed goes to no second worker, and comes back if added meanwhile. */
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
}
