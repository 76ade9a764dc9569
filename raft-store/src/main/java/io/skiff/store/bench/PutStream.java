package io.skiff.store.bench;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.skiff.proto.etcd.KVGrpc;
import io.skiff.proto.etcd.PutRequest;
import io.skiff.proto.etcd.PutResponse;
import io.skiff.store.bench.BenchOptions.Endpoint;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A steady, open-loop stream of puts through some members: one every {@code intervalMs}, through each
 * member in turn, each with its own deadline and sent without waiting for the ones before, so that
 * the first acknowledgement after a kill does not wait for a put that hangs to give up. This is what
 * a client that knows every endpoint sees, taken to the limit: whichever member can take a write
 * first is found within one interval.
 *
 * <p>Puts are sent from one timer thread; their callbacks run on the channels' threads. Every put's
 * send and answer are kept, so that a window (from the kill to the first acknowledgement) can be
 * looked at once its puts have all been answered.
 */
final class PutStream implements AutoCloseable {

  /** One put: its number in the stream, the member it went through, when it was sent (nanoTime). */
  record Put(int index, Endpoint via, long sentAt) {
  }

  /** A put's answer: when (nanoTime), and the failure's status code, or null when acknowledged. */
  record Answer(Put put, long at, Status.Code error) {
    boolean ok() {
      return error == null;
    }
  }

  private final List<Endpoint> members;
  private final List<KVGrpc.KVStub> stubs = new ArrayList<>();
  private final String keyPrefix;
  private final ByteString value;
  private final long intervalMs;
  private final long timeoutMs;
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "put-stream");
    t.setDaemon(true);
    return t;
  });
  private final AtomicInteger sent = new AtomicInteger();
  private final ConcurrentLinkedQueue<Put> puts = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<Answer> answers = new ConcurrentLinkedQueue<>();
  /** The first put sent at or after {@link #watchFrom} and acknowledged; set once. */
  private final AtomicReference<Answer> firstAck = new AtomicReference<>();
  private final CountDownLatch acknowledged = new CountDownLatch(1);
  /** Puts sent before this nanoTime do not count as the first acknowledgement; MAX until a kill. */
  private volatile long watchFrom = Long.MAX_VALUE;

  /** @param members the members to write through, in the order they take turns */
  PutStream(Map<Endpoint, ManagedChannel> members, String keyPrefix, long intervalMs, long timeoutMs) {
    this.members = List.copyOf(members.keySet());
    for (Endpoint e : this.members) {
      stubs.add(KVGrpc.newStub(members.get(e)));
    }
    this.keyPrefix = keyPrefix;
    this.value = ByteString.copyFromUtf8("v".repeat(64));
    this.intervalMs = intervalMs;
    this.timeoutMs = timeoutMs;
  }

  void start() {
    timer.scheduleAtFixedRate(this::sendOne, 0, intervalMs, TimeUnit.MILLISECONDS);
  }

  /** From {@code nanoTime} on, the first put sent and acknowledged is the one {@link #awaitFirstAck} returns. */
  void watchFrom(long nanoTime) {
    watchFrom = nanoTime;
  }

  /** The first acknowledgement of a put sent since {@link #watchFrom}, or null if none came by the deadline. */
  Answer awaitFirstAck(long deadline) throws InterruptedException {
    acknowledged.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    return firstAck.get();
  }

  /** Stops sending; puts in flight still get their answers. */
  void stop() {
    timer.shutdownNow();
  }

  /** Puts sent in [from, to), nanoTimes. */
  List<Put> sentBetween(long from, long to) {
    return puts.stream().filter(p -> p.sentAt() - from >= 0 && p.sentAt() - to < 0).toList();
  }

  /**
   * The answers to {@code window}, waiting until every one is in or {@code deadline} passes; puts
   * still unanswered then are missing from the list.
   */
  List<Answer> answersTo(List<Put> window, long deadline) throws InterruptedException {
    while (true) {
      List<Answer> got = answers.stream().filter(a -> window.contains(a.put())).toList();
      if (got.size() == window.size() || System.nanoTime() - deadline >= 0) {
        return got;
      }
      TimeUnit.MILLISECONDS.sleep(20);
    }
  }

  /** Answers received so far, failed ones only. */
  long failedSoFar() {
    return answers.stream().filter(a -> !a.ok()).count();
  }

  private void sendOne() {
    int index = sent.getAndIncrement();
    int member = index % members.size();
    Put put = new Put(index, members.get(member), System.nanoTime());
    puts.add(put);
    PutRequest request = PutRequest.newBuilder()
        .setKey(ByteString.copyFromUtf8(keyPrefix + index))
        .setValue(value)
        .build();
    stubs.get(member).withDeadlineAfter(timeoutMs, TimeUnit.MILLISECONDS).put(request, new StreamObserver<>() {
      @Override
      public void onNext(PutResponse response) {
      }

      @Override
      public void onCompleted() {
        Answer a = new Answer(put, System.nanoTime(), null);
        answers.add(a);
        if (put.sentAt() - watchFrom >= 0 && firstAck.compareAndSet(null, a)) {
          acknowledged.countDown();
        }
      }

      @Override
      public void onError(Throwable t) {
        answers.add(new Answer(put, System.nanoTime(), Status.fromThrowable(t).getCode()));
      }
    });
  }

  @Override
  public void close() {
    stop();
  }
}
