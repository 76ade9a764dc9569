package io.skiff.controlplane.bench;

import io.grpc.Channel;
import io.skiff.api.v1.Event;
import io.skiff.api.v1.EventsGrpc;
import io.skiff.api.v1.ListRequest;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * When the scheduler wrote its binds, as its Scheduled Events say (the scheduler records one right
 * after each bind, stamped to the second): the scheduler's own pace, apart from how late a watch
 * brings the binds to a client. The Events are written in the background, so a read waits a little
 * for the last ones.
 */
final class ScheduledEvents {
  private ScheduledEvents() {
  }

  /**
   * Scheduled Events of the namespace per second since {@code startSecond} (epoch seconds), once
   * {@code expected} of them are there or {@code patienceMs} has passed.
   */
  static int[] perSecond(Channel channel, String namespace, long startSecond, int expected, long patienceMs,
      long timeoutMs) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(patienceMs);
    List<Event> scheduled = read(channel, namespace, timeoutMs);
    while (scheduled.size() < expected && System.nanoTime() - deadline < 0) {
      TimeUnit.MILLISECONDS.sleep(500);
      scheduled = read(channel, namespace, timeoutMs);
    }
    long last = scheduled.stream().mapToLong(e -> e.getFirstTimestamp().getSeconds()).max().orElse(startSecond);
    int[] counts = new int[(int) Math.max(0, last - startSecond) + 1];
    for (Event event : scheduled) {
      counts[(int) Math.max(0, event.getFirstTimestamp().getSeconds() - startSecond)]++;
    }
    return counts;
  }

  private static List<Event> read(Channel channel, String namespace, long timeoutMs) {
    return EventsGrpc.newBlockingStub(channel).withDeadlineAfter(timeoutMs, TimeUnit.MILLISECONDS)
        .list(ListRequest.newBuilder().setNamespace(namespace).build()).getItemsList().stream()
        .filter(e -> e.getReason().equals("Scheduled"))
        .toList();
  }
}
