package io.skiff.controlplane.bench;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.skiff.api.v1.GetRequest;
import io.skiff.api.v1.ObjectMeta;
import io.skiff.api.v1.Pod;
import io.skiff.api.v1.PodsGrpc;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * A closed-loop load of Pod writes through the API: each client keeps one request outstanding and sends
 * the next when it completes; client i uses channel i mod n. A create writes a new pod (a name never used
 * before by this run, made by the load's {@link Template}); an update changes an annotation of the client's own pod, with the resource_version
 * of its last write as the precondition, as a controller does; a get reads the client's own pod. Callbacks run on the channels' threads
 * (direct executor); a client's state is touched by one callback at a time.
 */
final class PodLoad {

  enum Op { CREATE, UPDATE, GET }

  /** Makes the pods a load writes; called on a client's thread just before each create is sent. */
  interface Template {
    Pod pod(String namespace, String name);
  }

  private final Op op;
  private final Template template;
  private final String namespace;
  private final String runId;
  private final long timeoutMs;
  private final List<Client> clients = new ArrayList<>();

  PodLoad(List<ManagedChannel> channels, Op op, Template template, int clients, String namespace, String runId,
      long timeoutMs) {
    this.op = op;
    this.template = template;
    this.namespace = namespace;
    this.runId = runId;
    this.timeoutMs = timeoutMs;
    for (int i = 0; i < clients; i++) {
      this.clients.add(new Client(i, channels.get(i % channels.size())));
    }
  }

  /** For updates and gets: each client creates the pod it will update or read. */
  void prepare() {
    if (op != Op.CREATE) {
      String infix = op == Op.UPDATE ? "-upd-" : "-get-";
      for (Client client : clients) {
        client.current = PodsGrpc.newBlockingStub(client.channel).withDeadlineAfter(timeoutMs, TimeUnit.MILLISECONDS)
            .create(template.pod(namespace, runId + infix + client.index));
      }
    }
  }

  /** Runs {@code limit} requests (or until {@code maxSeconds}); null if the clients did not all stop in time. */
  Phase run(long limit, double maxSeconds, boolean record) throws InterruptedException {
    Phase phase = new Phase(limit, System.nanoTime() + (long) (maxSeconds * 1e9), record, clients.size());
    for (Client client : clients) {
      client.latencies.reset();
    }
    for (Client client : clients) {
      client.start(phase);
    }
    boolean done = phase.stopped.await((long) (maxSeconds * 1000) + timeoutMs + 10_000, TimeUnit.MILLISECONDS);
    phase.endNanos = System.nanoTime();
    return done ? phase : null;
  }

  LatencyLog.Percentiles latencies() {
    return LatencyLog.merge(clients.stream().map(c -> c.latencies).toList());
  }

  /** One run's bounds and counters, shared by the clients. */
  static final class Phase {
    private final long limit;
    private final long deadline;
    private final boolean record;
    private final AtomicLong started = new AtomicLong();
    final LongAdder ok = new LongAdder();
    final LongAdder errors = new LongAdder();
    private final Map<Status.Code, LongAdder> errorCodes = new ConcurrentHashMap<>();
    private final AtomicReference<String> firstError = new AtomicReference<>();
    private final CountDownLatch stopped;
    private final long startNanos = System.nanoTime();
    private long endNanos;

    private Phase(long limit, long deadline, boolean record, int clients) {
      this.limit = limit;
      this.deadline = deadline;
      this.record = record;
      this.stopped = new CountDownLatch(clients);
    }

    private boolean claim() {
      return System.nanoTime() - deadline < 0 && started.incrementAndGet() <= limit;
    }

    private void failed(Throwable t) {
      errors.increment();
      Status status = Status.fromThrowable(t);
      errorCodes.computeIfAbsent(status.getCode(), c -> new LongAdder()).increment();
      firstError.compareAndSet(null, status.getCode() + ": " + status.getDescription());
    }

    double seconds() {
      return (endNanos - startNanos) / 1e9;
    }

    long completed() {
      return ok.sum() + errors.sum();
    }

    String errorSummary() {
      Map<String, Long> byCode = new TreeMap<>();
      errorCodes.forEach((code, n) -> byCode.put(code.name(), n.sum()));
      return byCode + ", first: " + firstError.get();
    }
  }

  private final class Client {
    final int index;
    final ManagedChannel channel;
    final PodsGrpc.PodsStub stub;
    final LatencyLog latencies = new LatencyLog();
    /** Completions not yet followed by a send; the caller that raises it from 0 sends (no recursion). */
    private final AtomicInteger pending = new AtomicInteger();
    private volatile Phase phase;
    private long sequence;
    /** The client's pod as last written (updates only). */
    private volatile Pod current;

    Client(int index, ManagedChannel channel) {
      this.index = index;
      this.channel = channel;
      this.stub = PodsGrpc.newStub(channel);
    }

    void start(Phase p) {
      phase = p;
      sendNext();
    }

    private void sendNext() {
      if (pending.getAndIncrement() > 0) {
        return;
      }
      do {
        sendOne();
      } while (pending.decrementAndGet() > 0);
    }

    private void sendOne() {
      Phase p = phase;
      if (!p.claim()) {
        p.stopped.countDown();
        return;
      }
      long seq = sequence++;
      PodsGrpc.PodsStub call = stub.withDeadlineAfter(timeoutMs, TimeUnit.MILLISECONDS);
      Completion done = new Completion(p, System.nanoTime());
      if (op == Op.CREATE) {
        call.create(template.pod(namespace, runId + "-" + index + "-" + seq), done);
      } else if (op == Op.GET) {
        ObjectMeta own = current.getMetadata();
        call.get(GetRequest.newBuilder().setNamespace(own.getNamespace()).setName(own.getName()).build(), done);
      } else {
        Pod last = current;
        ObjectMeta meta = last.getMetadata().toBuilder().putAnnotations("bench.skiff.io/sequence", Long.toString(seq)).build();
        call.update(last.toBuilder().setMetadata(meta).build(), done);
      }
    }

    private final class Completion implements StreamObserver<Pod> {
      private final Phase p;
      private final long sentNanos;

      Completion(Phase p, long sentNanos) {
        this.p = p;
        this.sentNanos = sentNanos;
      }

      @Override
      public void onNext(Pod written) {
        current = written;
      }

      @Override
      public void onError(Throwable t) {
        p.failed(t);
        if (current != null) {
          // write unconditionally next time: the stored resource_version is no longer known
          current = current.toBuilder().setMetadata(current.getMetadata().toBuilder().setResourceVersion(0)).build();
        }
        sendNext();
      }

      @Override
      public void onCompleted() {
        if (p.record) {
          latencies.record(System.nanoTime() - sentNanos);
        }
        p.ok.increment();
        sendNext();
      }
    }
  }
}
