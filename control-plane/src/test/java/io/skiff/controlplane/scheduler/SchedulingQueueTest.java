package io.skiff.controlplane.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SchedulingQueueTest {
  private final SchedulingQueue queue = new SchedulingQueue();

  @AfterEach
  void close() {
    queue.close();
  }

  @Test
  void parkedPodsWaitForAMove() {
    queue.park("ns/a", queue.cycle());
    queue.park("ns/b", queue.cycle());
    assertEquals(2, queue.parkedCount());
    assertEquals(0, queue.activeCount());

    queue.moveAllToActive();
    assertEquals(0, queue.parkedCount());
    assertEquals(2, queue.activeCount());
  }

  @Test
  void aPodWhoseAttemptMissedAMoveIsQueuedNotParked() {
    long attempt = queue.cycle();
    queue.moveAllToActive();  // e.g. a node added while the attempt decided on an older view
    queue.park("ns/a", attempt);
    assertEquals(0, queue.parkedCount());
    assertEquals(1, queue.activeCount());
  }

  @Test
  void onlyPodsParkedLongEnoughAreRetriedByAge() {
    queue.park("ns/a", queue.cycle());
    queue.moveParkedOlderThan(Duration.ofMinutes(1));
    assertEquals(1, queue.parkedCount());
    queue.moveParkedOlderThan(Duration.ZERO);
    assertEquals(0, queue.parkedCount());
    assertEquals(1, queue.activeCount());
  }

  @Test
  void addingAParkedPodUnparksIt() {
    queue.park("ns/a", queue.cycle());
    queue.add("ns/a");
    queue.add("ns/a");
    assertEquals(0, queue.parkedCount());
    assertEquals(1, queue.activeCount());
  }
}
