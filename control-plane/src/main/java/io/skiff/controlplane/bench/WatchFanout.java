package io.skiff.controlplane.bench;

import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import io.skiff.api.v1.Pod;
import io.skiff.api.v1.PodWatchEvent;
import io.skiff.api.v1.PodsGrpc;
import io.skiff.api.v1.WatchRequest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * Watch fan-out: {@code watchers} Pod watches on one namespace, spread over the channels, while one writer
 * creates {@code pods} pods there, one after another (optionally paced to {@code rate} per second). For
 * every (watcher, pod) pair the delay is the ADDED event's arrival minus the moment the writer's Create
 * returned; an event that arrives before the Create's response counts as 0 (and is counted). Watchers
 * start with send_initial_events, and the writer starts only when every watcher has had its BOOKMARK, so
 * every watch is in place before the first write.
 *
 * <p>Arrival times are written by the channels' threads, each watcher's by one thread at a time, into its
 * own row; they are read after the run (the latch orders the accesses).
 */
final class WatchFanout {
  private static final long NOT_YET = Long.MIN_VALUE;

  private final List<ManagedChannel> channels;
  private final String namespace;
  private final int watcherCount;
  private final int podCount;
  private final double rate;
  private final long timeoutMs;
  private final long[] acked;
  private final List<Watcher> watchers = new ArrayList<>();
  private final CountDownLatch established;
  private final CountDownLatch complete;
  private final AtomicReference<String> firstError = new AtomicReference<>();
  private final AtomicInteger failedWatchers = new AtomicInteger();

  WatchFanout(List<ManagedChannel> channels, String namespace, int watchers, int pods, double rate, long timeoutMs) {
    this.channels = channels;
    this.namespace = namespace;
    this.watcherCount = watchers;
    this.podCount = pods;
    this.rate = rate;
    this.timeoutMs = timeoutMs;
    this.acked = new long[pods];
    this.established = new CountDownLatch(watchers);
    this.complete = new CountDownLatch(watchers);
  }

  /** Runs the whole experiment and prints its result lines; false if it did not complete. */
  boolean run(String label, double maxSeconds) throws InterruptedException {
    long deadline = System.nanoTime() + (long) (maxSeconds * 1e9);
    Context.CancellableContext watches = Context.current().withCancellation();
    try {
      watches.run(() -> {
        for (int i = 0; i < watcherCount; i++) {
          Watcher watcher = new Watcher();
          watchers.add(watcher);
          PodsGrpc.newStub(channels.get(i % channels.size())).watch(WatchRequest.newBuilder()
              .setNamespace(namespace).setSendInitialEvents(true).setAllowBookmarks(true).build(), watcher);
        }
      });
      if (!established.await(remainingMs(deadline), TimeUnit.MILLISECONDS)) {
        System.err.printf("[%s] only %d of %d watches were established in time; first error: %s%n",
            label, watcherCount - established.getCount(), watcherCount, firstError.get());
        return false;
      }
      System.err.printf(Locale.ROOT, "[%s] %d watches on %d channel(s); creating %d pods%s%n", label, watcherCount,
          channels.size(), podCount, rate > 0 ? String.format(Locale.ROOT, " at %.0f/s", rate) : " back to back");
      long writeStart = System.nanoTime();
      write(label);
      long writeEnd = System.nanoTime();
      boolean all = complete.await(remainingMs(deadline), TimeUnit.MILLISECONDS);
      long drained = System.nanoTime();
      report(label, all, (writeEnd - writeStart) / 1e9, (drained - writeEnd) / 1e6);
      return all && failedWatchers.get() == 0;
    } finally {
      watches.cancel(null);
    }
  }

  private void write(String label) {
    PodsGrpc.PodsBlockingStub writer = PodsGrpc.newBlockingStub(channels.get(0));
    long start = System.nanoTime();
    for (int i = 0; i < podCount; i++) {
      if (rate > 0) {
        long due = start + (long) (i * 1e9 / rate);
        for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
          LockSupport.parkNanos(wait);
        }
      }
      writer.withDeadlineAfter(timeoutMs, TimeUnit.MILLISECONDS).create(BenchPods.pod(namespace, podName(i)));
      acked[i] = System.nanoTime();
    }
  }

  private void report(String label, boolean allComplete, double writeSeconds, double drainMs) {
    LatencyLog delays = new LatencyLog();
    long received = 0;
    long early = 0;
    int completeWatchers = 0;
    for (Watcher watcher : watchers) {
      int got = 0;
      for (int i = 0; i < podCount; i++) {
        long arrived = watcher.arrivals[i];
        if (arrived != NOT_YET) {
          got++;
          long delay = arrived - acked[i];
          if (delay < 0) {
            early++;
          }
          delays.record(Math.max(0, delay));
        }
      }
      received += got;
      completeWatchers += got == podCount ? 1 : 0;
    }
    long duplicates = watchers.stream().mapToLong(w -> w.duplicates).sum();
    LatencyLog.Percentiles p = LatencyLog.merge(List.of(delays));
    long expected = (long) watcherCount * podCount;
    System.out.printf(Locale.ROOT, "%s: %d watchers x %d pods: %d of %d events (%d duplicates), %d watchers complete;"
            + " delay p50 %.2f ms, p99 %.2f ms, max %.2f ms; writes took %.2f s, last events %.0f ms after the last write%n",
        label, watcherCount, podCount, received, expected, duplicates, completeWatchers, p.ms(50), p.ms(99), p.maxMs(),
        writeSeconds, drainMs);
    System.out.printf(Locale.ROOT, "RESULT label=%s op=watch watchers=%d conns=%d pods=%d rate=%.0f expected=%d received=%d"
            + " duplicates=%d complete_watchers=%d early=%d write_seconds=%.3f write_rps=%.1f drain_ms=%.1f"
            + " p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f max_ms=%.3f all=%s%n",
        label, watcherCount, channels.size(), podCount, rate, expected, received, duplicates, completeWatchers, early,
        writeSeconds, podCount / writeSeconds, drainMs, p.ms(50), p.ms(90), p.ms(99), p.maxMs(),
        allComplete && failedWatchers.get() == 0);
    if (firstError.get() != null) {
      System.err.printf("[%s] %d watches failed; first: %s%n", label, failedWatchers.get(), firstError.get());
    }
  }

  private static String podName(int index) {
    return String.format(Locale.ROOT, "fan-%06d", index);
  }

  private static int podIndex(String name) {
    return name.startsWith("fan-") ? Integer.parseInt(name.substring(4)) : -1;
  }

  private static long remainingMs(long deadline) {
    return Math.max(0, (deadline - System.nanoTime()) / 1_000_000);
  }

  private final class Watcher implements StreamObserver<PodWatchEvent> {
    final long[] arrivals = new long[podCount];
    long duplicates;
    private int received;
    private boolean bookmarked;

    Watcher() {
      Arrays.fill(arrivals, NOT_YET);
    }

    @Override
    public void onNext(PodWatchEvent event) {
      long now = System.nanoTime();
      if (event.getType().equals("BOOKMARK")) {
        if (!bookmarked) {
          bookmarked = true;
          established.countDown();
        }
        return;
      }
      Pod pod = event.getObject();
      int index = event.getType().equals("ADDED") ? podIndex(pod.getMetadata().getName()) : -1;
      if (index < 0 || index >= podCount) {
        return;
      }
      if (arrivals[index] != NOT_YET) {
        duplicates++;
        return;
      }
      arrivals[index] = now;
      if (++received == podCount) {
        complete.countDown();
      }
    }

    @Override
    public void onError(Throwable t) {
      if (!bookmarked) {
        established.countDown();
      }
      failedWatchers.incrementAndGet();
      firstError.compareAndSet(null, t.toString());
      if (received < podCount) {
        complete.countDown();
      }
    }

    @Override
    public void onCompleted() {
      onError(new IllegalStateException("the server ended the watch"));
    }
  }
}
