package io.skiff.controlplane.bench;

import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.skiff.api.v1.Pod;
import io.skiff.api.v1.PodsGrpc;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A steady stream of pod creates through some masters, to see when they take writes again: one
 * create every {@link #INTERVAL_MS}, through each master in turn, each sent without waiting for
 * the ones before (open loop), so that the first acknowledgement does not depend on how long a
 * write that hangs takes to give up. Records the first acknowledgement, and what became of the
 * stream's very first write (what one client that wrote once at the start would have seen).
 *
 * <p>Writes are sent from one timer thread; their callbacks run on the channels' threads.
 */
final class WriteStream {
  /** Between two writes of the stream (each master gets one every INTERVAL_MS × masters). */
  static final long INTERVAL_MS = 25;
  /** A write's deadline: long enough not to give up on one the store is still deciding. */
  private static final long WRITE_DEADLINE_MS = 10_000;

  /** The first acknowledged write: through which master, when (nanoTime), its number in the stream. */
  record Ack(String via, long at, int index) {
  }

  /** What became of write 0: answered {@code ms} after the start, with {@code error} (a status code) or none (null). */
  record FirstWrite(double ms, String error) {
    static final FirstWrite UNANSWERED = new FirstWrite(Double.NaN, "NO_ANSWER");

    @Override
    public String toString() {
      return error == null ? String.format(Locale.ROOT, "acknowledged after %.0f ms", ms)
          : String.format(Locale.ROOT, "failed after %.0f ms (%s)", ms, error);
    }

    /** For RESULT lines: "1234" or "DEADLINE_EXCEEDED@10003". */
    String compact() {
      return error == null ? String.format(Locale.ROOT, "%.0f", ms) : String.format(Locale.ROOT, "%s@%.0f", error, ms);
    }
  }

  /** What the stream saw. */
  record Outcome(Ack first, int failed, FirstWrite firstWrite) {
  }

  private final Map<String, ? extends Channel> masters;
  private final String namespace;
  private final String prefix;

  /**
   * @param masters the masters to write through, by id
   * @param prefix of the pods' names; the pod of write i through master m is prefix + m + "-" + i
   */
  WriteStream(Map<String, ? extends Channel> masters, String namespace, String prefix) {
    this.masters = masters;
    this.namespace = namespace;
    this.prefix = prefix;
  }

  /** Writes from now until one write is acknowledged or the deadline (a nanoTime) passes; null if none was. */
  Outcome run(long start, long deadline) throws InterruptedException {
    List<String> ids = masters.keySet().stream().sorted().toList();
    AtomicReference<Ack> first = new AtomicReference<>();
    CountDownLatch acknowledged = new CountDownLatch(1);
    AtomicInteger sent = new AtomicInteger();
    AtomicInteger failed = new AtomicInteger();
    CompletableFuture<FirstWrite> firstWrite = new CompletableFuture<>();
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "write-stream");
      t.setDaemon(true);
      return t;
    });
    try {
      timer.scheduleAtFixedRate(() -> {
        if (first.get() != null) {
          return;
        }
        int index = sent.getAndIncrement();
        String via = ids.get(index % ids.size());
        PodsGrpc.newStub(masters.get(via)).withDeadlineAfter(WRITE_DEADLINE_MS, TimeUnit.MILLISECONDS)
            .create(BenchPods.small(namespace, prefix + via + "-" + index), new StreamObserver<Pod>() {
              @Override
              public void onNext(Pod pod) {
              }

              @Override
              public void onCompleted() {
                long now = System.nanoTime();
                if (first.compareAndSet(null, new Ack(via, now, index))) {
                  acknowledged.countDown();
                }
                if (index == 0) {
                  firstWrite.complete(new FirstWrite((now - start) / 1e6, null));
                }
              }

              @Override
              public void onError(Throwable t) {
                failed.incrementAndGet();
                if (index == 0) {
                  firstWrite.complete(new FirstWrite((System.nanoTime() - start) / 1e6,
                      Status.fromThrowable(t).getCode().name()));
                }
              }
            });
      }, 0, INTERVAL_MS, TimeUnit.MILLISECONDS);
      if (!acknowledged.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
        return null;
      }
    } finally {
      timer.shutdownNow();
    }
    return new Outcome(first.get(), failed.get(), outcomeOf(firstWrite));
  }

  private static FirstWrite outcomeOf(CompletableFuture<FirstWrite> firstWrite) throws InterruptedException {
    try {
      return firstWrite.get(WRITE_DEADLINE_MS + 1_000, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      return FirstWrite.UNANSWERED;
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    }
  }
}
