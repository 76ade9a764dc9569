package io.skiff.store.bench;

import com.google.protobuf.ByteString;
import io.grpc.Channel;
import io.grpc.ConnectivityState;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.skiff.proto.etcd.KVGrpc;
import io.skiff.proto.etcd.MaintenanceGrpc;
import io.skiff.proto.etcd.PutRequest;
import io.skiff.proto.etcd.RangeRequest;
import io.skiff.proto.etcd.RangeResponse;
import io.skiff.proto.etcd.StatusRequest;
import io.skiff.proto.etcd.StatusResponse;
import io.skiff.store.bench.BenchOptions.Endpoint;
import io.skiff.store.bench.BenchOptions.Op;
import io.skiff.store.bench.BenchOptions.Target;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * A closed-loop load generator for etcd's v3 gRPC API, so that one client measures both etcd and
 * Skiff's store: {@code --clients} requests are kept outstanding (each client sends its next request
 * when the previous one completes), spread round-robin over {@code --conns} gRPC channels.
 *
 * <p>Where requests go. Puts go to the Raft leader, found by asking every endpoint for
 * Maintenance.Status and taking the one whose {@code header.member_id} equals its {@code leader}:
 * this is what etcd's own {@code benchmark --target-leader} does, and it keeps follower-to-leader
 * forwarding (which Skiff may not do the way etcd does) out of the comparison. Ranges go to every
 * endpoint (channel i to endpoint i mod n), as in etcd's documented read benchmarks; {@code --target}
 * overrides either choice.
 *
 * <p>Keys are zero-padded decimals of {@code --key-size} bytes, uniform in {@code [0, --key-space-size)}
 * for puts; ranges read one key ({@code --range-key}), written once before the run. Latency is taken
 * with {@link System#nanoTime()} around each call and kept exactly, per client, until the end.
 *
 * <p>The run is bounded by {@code --total} and/or {@code --duration-seconds} and, in any case,
 * {@code --max-seconds} per phase plus the per-request deadline. See {@link BenchOptions#USAGE}.
 */
public final class StoreBenchmark {

  static final int EXIT_OK = 0;
  static final int EXIT_SETUP = 1;
  static final int EXIT_STUCK = 2;
  static final int EXIT_ALL_FAILED = 3;

  private static final long STATUS_TIMEOUT_MS = 3_000;

  private final BenchOptions o;
  private final List<ManagedChannel> channels = new ArrayList<>();
  private final List<Worker> workers = new ArrayList<>();
  private ByteString value = ByteString.EMPTY;
  private RangeRequest rangeRequest;

  StoreBenchmark(BenchOptions options) {
    this.o = options;
  }

  /** Logback configuration of the client (warnings to stderr); -Dlogback.configurationFile overrides it. */
  static final String LOGBACK_CONFIG = "io/skiff/store/bench/logback-bench.xml";

  public static void main(String[] args) {
    // before any logger exists: logback's default configuration logs gRPC's Netty frames at DEBUG
    if (System.getProperty("logback.configurationFile") == null) {
      System.setProperty("logback.configurationFile", LOGBACK_CONFIG);
    }
    if (args.length > 0 && args[0].equals("failover")) {
      System.exit(StoreFailover.main(Arrays.copyOfRange(args, 1, args.length)));
      return;
    }
    BenchOptions options;
    try {
      options = BenchOptions.parse(args);
    } catch (BenchOptions.UsageException e) {
      if (e.getMessage().isEmpty()) {
        System.out.print(BenchOptions.USAGE);
        System.exit(EXIT_OK);
      }
      System.err.println("StoreBenchmark: " + e.getMessage() + " (see --help)");
      System.exit(EXIT_SETUP);
      return;
    }
    int code;
    StoreBenchmark bench = new StoreBenchmark(options);
    try {
      code = bench.run();
    } catch (SetupException e) {
      System.err.println("StoreBenchmark: setup failed: " + e.getMessage());
      code = EXIT_SETUP;
    } finally {
      bench.close();
    }
    System.exit(code);
  }

  /** A reason the benchmark cannot start: unreachable endpoints, no leader, a failed seed write. */
  static final class SetupException extends Exception {
    private static final long serialVersionUID = 1L;

    SetupException(String message) {
      super(message);
    }
  }

  int run() throws SetupException {
    long setupDeadline = System.nanoTime() + seconds(o.setupTimeoutSeconds);
    Endpoint leader = findLeader(setupDeadline);

    List<Endpoint> targets = o.target == Target.LEADER ? List.of(leader) : o.endpoints;
    for (int i = 0; i < o.conns; i++) {
      channels.add(channel(targets.get(i % targets.size())));
    }
    // every client has a channel; with fewer clients than channels the extra ones stay idle (unconnected)
    int usedChannels = Math.min(o.conns, o.clients);
    awaitReady(channels.subList(0, usedChannels), setupDeadline);

    if (o.op == Op.PUT) {
      value = ByteString.copyFrom(randomPrintable(o.valSize), StandardCharsets.US_ASCII);
    } else {
      ByteString key = ByteString.copyFromUtf8(o.rangeKey != null ? o.rangeKey : paddedKey(0));
      seed(leader, key);
      rangeRequest = RangeRequest.newBuilder().setKey(key).setSerializable(!o.linearizable).build();
    }
    for (int i = 0; i < o.clients; i++) {
      workers.add(new Worker(KVGrpc.newStub(channels.get(i % o.conns))));
    }
    System.err.printf(Locale.ROOT, "[%s] %s to %s over %d channel(s), %d client(s)%n",
        o.label, describeOp(), targets, usedChannels, o.clients);

    if (o.warmup > 0) {
      Phase warm = runPhase(o.warmup, o.maxSeconds, false);
      if (warm == null) {
        System.err.printf("[%s] warmup did not finish within %.0f s%n", o.label, o.maxSeconds);
        return EXIT_STUCK;
      }
      if (warm.errors.sum() > 0) {
        System.err.printf("[%s] warmup: %d of %d requests failed; first: %s%n",
            o.label, warm.errors.sum(), warm.completed(), warm.firstError.get());
      }
    }

    double bound = o.durationSeconds > 0 ? Math.min(o.durationSeconds, o.maxSeconds) : o.maxSeconds;
    Phase phase = runPhase(o.total, bound, true);
    if (phase == null) {
      System.err.printf("[%s] the measured run did not finish within %.0f s%n", o.label, bound);
      return EXIT_STUCK;
    }
    report(phase);
    if (phase.ok.sum() == 0 && phase.completed() > 0) {
      return EXIT_ALL_FAILED;
    }
    return EXIT_OK;
  }

  // ---- setup -------------------------------------------------------------------------------

  static ManagedChannel channel(Endpoint e) {
    return Grpc.newChannelBuilderForAddress(e.host(), e.port(), InsecureChannelCredentials.create())
        .directExecutor()
        // measure the servers, not client-side retries (gRPC's retry buffering also costs CPU per call)
        .disableRetry()
        .maxInboundMessageSize(64 << 20)
        .build();
  }

  record MemberStatus(Endpoint endpoint, long memberId, long leader, String version, String error) {
    boolean isLeader() {
      return error == null && leader != 0 && memberId == leader;
    }

    @Override
    public String toString() {
      if (error != null) {
        return endpoint + ": " + error;
      }
      return String.format(Locale.ROOT, "%s: member_id=%x leader=%x version=%s%s",
          endpoint, memberId, leader, version, isLeader() ? " (leader)" : "");
    }
  }

  /**
   * Asks every endpoint for Maintenance.Status until exactly one of them reports itself leader
   * ({@code header.member_id == leader}); with {@code --target all} every endpoint must answer too.
   */
  private Endpoint findLeader(long deadline) throws SetupException {
    List<MemberStatus> statuses;
    while (true) {
      statuses = new ArrayList<>();
      for (Endpoint e : o.endpoints) {
        statuses.add(status(e));
      }
      List<MemberStatus> leaders = statuses.stream().filter(MemberStatus::isLeader).toList();
      boolean allAnswered = statuses.stream().allMatch(s -> s.error() == null);
      if (leaders.size() == 1 && (allAnswered || o.target == Target.LEADER)) {
        for (MemberStatus s : statuses) {
          System.err.printf("[%s] %s%n", o.label, s);
        }
        return leaders.get(0).endpoint();
      }
      if (System.nanoTime() - deadline >= 0) {
        break;
      }
      sleepMillis(500);
    }
    StringBuilder why = new StringBuilder();
    why.append(String.format(Locale.ROOT,
        "no single leader among the endpoints after %.0f s (a member is the leader when "
            + "Maintenance.Status answers header.member_id == leader)",
        o.setupTimeoutSeconds));
    if (o.target == Target.ALL) {
      why.append(", or not every endpoint answered (needed with --target all)");
    }
    for (MemberStatus s : statuses) {
      why.append("\n  ").append(s);
    }
    throw new SetupException(why.toString());
  }

  static MemberStatus status(Endpoint e) {
    ManagedChannel ch = channel(e);
    try {
      return status(e, ch, STATUS_TIMEOUT_MS);
    } finally {
      ch.shutdownNow();
    }
  }

  /** Maintenance.Status of the member at {@code e}, asked over {@code ch}; a failure is in the result. */
  static MemberStatus status(Endpoint e, Channel ch, long timeoutMs) {
    try {
      StatusResponse r = MaintenanceGrpc.newBlockingStub(ch)
          .withDeadlineAfter(timeoutMs, TimeUnit.MILLISECONDS)
          .status(StatusRequest.getDefaultInstance());
      return new MemberStatus(e, r.getHeader().getMemberId(), r.getLeader(), r.getVersion(), null);
    } catch (StatusRuntimeException ex) {
      return new MemberStatus(e, 0, 0, "", "Maintenance.Status failed: " + describe(ex.getStatus()));
    }
  }

  static void awaitReady(List<ManagedChannel> chs, long deadline) throws SetupException {
    while (true) {
      boolean allReady = true;
      for (ManagedChannel ch : chs) {
        if (ch.getState(true) != ConnectivityState.READY) {
          allReady = false;
        }
      }
      if (allReady) {
        return;
      }
      if (System.nanoTime() - deadline >= 0) {
        StringBuilder why = new StringBuilder("channels did not connect in time:");
        for (ManagedChannel ch : chs) {
          why.append("\n  ").append(ch.authority()).append(' ').append(ch.getState(false));
        }
        throw new SetupException(why.toString());
      }
      sleepMillis(20);
    }
  }

  /** Writes the key that --op range reads, through the leader, so that every range returns one KV. */
  private void seed(Endpoint leader, ByteString key) throws SetupException {
    ManagedChannel ch = channel(leader);
    try {
      KVGrpc.KVBlockingStub kv = KVGrpc.newBlockingStub(ch);
      kv.withDeadlineAfter(o.timeoutMs, TimeUnit.MILLISECONDS).put(PutRequest.newBuilder()
          .setKey(key)
          .setValue(ByteString.copyFrom(randomPrintable(o.valSize), StandardCharsets.US_ASCII))
          .build());
      RangeResponse check = kv.withDeadlineAfter(o.timeoutMs, TimeUnit.MILLISECONDS)
          .range(RangeRequest.newBuilder().setKey(key).build());
      if (check.getKvsCount() != 1) {
        throw new SetupException("the range key " + key.toStringUtf8() + " was written to " + leader
            + " but a linearizable range of it returned " + check.getKvsCount() + " KVs");
      }
    } catch (StatusRuntimeException ex) {
      throw new SetupException("writing the range key " + key.toStringUtf8() + " to the leader "
          + leader + " failed: " + describe(ex.getStatus()));
    } finally {
      ch.shutdownNow();
    }
  }

  // ---- load --------------------------------------------------------------------------------

  /** One phase (warmup or measured): its bounds and its counters, shared by all clients. */
  private static final class Phase {
    final long limit;
    final long deadline;
    final boolean record;
    final AtomicLong started = new AtomicLong();
    final LongAdder ok = new LongAdder();
    final LongAdder errors = new LongAdder();
    final Map<Status.Code, LongAdder> errorCodes = new ConcurrentHashMap<>();
    final AtomicReference<String> firstError = new AtomicReference<>();
    final CountDownLatch clientsDone;
    long startNanos;
    long endNanos;

    Phase(long limit, long deadline, boolean record, int clients) {
      this.limit = limit;
      this.deadline = deadline;
      this.record = record;
      this.clientsDone = new CountDownLatch(clients);
    }

    /** Claims the right to send one more request, unless the count or the time is used up. */
    boolean tryStart() {
      if (System.nanoTime() - deadline >= 0 || started.get() >= limit) {
        return false;
      }
      return started.incrementAndGet() <= limit;
    }

    void failed(Throwable t) {
      errors.increment();
      Status s = Status.fromThrowable(t);
      errorCodes.computeIfAbsent(s.getCode(), c -> new LongAdder()).increment();
      firstError.compareAndSet(null, describe(s));
    }

    long completed() {
      return ok.sum() + errors.sum();
    }

    double seconds() {
      return (endNanos - startNanos) / 1e9;
    }
  }

  /** Runs one phase to its end; null if the clients did not all finish within the bound plus slack. */
  private Phase runPhase(long limit, double boundSeconds, boolean record) {
    long now = System.nanoTime();
    Phase p = new Phase(limit, now + seconds(boundSeconds), record, workers.size());
    p.startNanos = now;
    for (Worker w : workers) {
      w.latencies.clear();
    }
    for (Worker w : workers) {
      w.start(p);
    }
    long waitMs = (long) (boundSeconds * 1000) + o.timeoutMs + 10_000;
    try {
      if (!p.clientsDone.await(waitMs, TimeUnit.MILLISECONDS)) {
        return null;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
    p.endNanos = System.nanoTime();
    return p;
  }

  /**
   * A closed-loop client: sends a request, and when it completes, the next one. Callbacks run on
   * gRPC's Netty threads (direct executor: no thread hop per request, which matters on a small
   * machine where the client shares the cores with the servers). A call can also fail inside
   * {@code put}/{@code range} itself (e.g. on a channel in TRANSIENT_FAILURE), completing
   * synchronously; {@link #next} then does not recurse but lets the outer loop send again.
   */
  private final class Worker {
    private final KVGrpc.KVStub stub;
    final Latencies latencies = new Latencies();
    /** Completions not yet followed by a new request; whoever raises it from 0 sends. */
    private final AtomicInteger due = new AtomicInteger();
    private volatile Phase phase;

    Worker(KVGrpc.KVStub stub) {
      this.stub = stub;
    }

    void start(Phase p) {
      phase = p;
      next();
    }

    private void next() {
      if (due.getAndIncrement() > 0) {
        return; // a send loop further up this stack (or on another thread) picks it up
      }
      do {
        sendOne();
      } while (due.decrementAndGet() > 0);
    }

    private void sendOne() {
      Phase p = phase;
      if (!p.tryStart()) {
        p.clientsDone.countDown();
        return;
      }
      long t0 = System.nanoTime();
      try {
        KVGrpc.KVStub s = stub.withDeadlineAfter(o.timeoutMs, TimeUnit.MILLISECONDS);
        if (o.op == Op.PUT) {
          s.put(PutRequest.newBuilder().setKey(randomKey()).setValue(value).build(), new Done<>(p, t0));
        } else {
          s.range(rangeRequest, new Done<>(p, t0));
        }
      } catch (RuntimeException e) {
        // not expected from an async stub; count it and retire this client rather than spin
        p.failed(e);
        p.clientsDone.countDown();
      }
    }

    private final class Done<T> implements StreamObserver<T> {
      private final Phase p;
      private final long t0;

      Done(Phase p, long t0) {
        this.p = p;
        this.t0 = t0;
      }

      @Override
      public void onNext(T response) {
      }

      @Override
      public void onError(Throwable t) {
        p.failed(t);
        next();
      }

      @Override
      public void onCompleted() {
        long took = System.nanoTime() - t0;
        if (p.record) {
          latencies.add(took);
        }
        p.ok.increment();
        next();
      }
    }
  }

  private ByteString randomKey() {
    return ByteString.copyFrom(paddedKey(ThreadLocalRandom.current().nextLong(o.keySpaceSize)), StandardCharsets.US_ASCII);
  }

  /** n as a decimal, left-padded with '0' to --key-size characters. */
  private String paddedKey(long n) {
    String digits = Long.toString(n);
    if (digits.length() >= o.keySize) {
      return digits;
    }
    return "0".repeat(o.keySize - digits.length()) + digits;
  }

  private static String randomPrintable(int size) {
    String alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    ThreadLocalRandom r = ThreadLocalRandom.current();
    StringBuilder sb = new StringBuilder(size);
    for (int i = 0; i < size; i++) {
      sb.append(alphabet.charAt(r.nextInt(alphabet.length())));
    }
    return sb.toString();
  }

  // ---- report ------------------------------------------------------------------------------

  private String describeOp() {
    if (o.op == Op.PUT) {
      return String.format(Locale.ROOT, "put (key %d B in a space of %d, value %d B)", o.keySize, o.keySpaceSize, o.valSize);
    }
    return (o.linearizable ? "linearizable" : "serializable") + " range of one key";
  }

  private void report(Phase p) {
    List<Latencies> logs = new ArrayList<>();
    for (Worker w : workers) {
      logs.add(w.latencies);
    }
    Latencies.Summary s = Latencies.summarize(logs);
    double secs = p.seconds();
    double rps = secs > 0 ? p.ok.sum() / secs : 0;
    String op = o.op.name().toLowerCase(Locale.ROOT);
    String consistency = o.op == Op.PUT ? "-" : (o.linearizable ? "l" : "s");

    System.out.printf(Locale.ROOT,
        "%s %s clients=%d conns=%d: %d requests, %d errors in %.2f s: %.1f req/s, p50 %.2f ms, p99 %.2f ms%n",
        o.label, o.op == Op.PUT ? op : op + "(" + consistency + ")", o.clients, o.conns,
        p.completed(), p.errors.sum(), secs, rps, s.percentileMs(50), s.percentileMs(99));
    System.out.printf(Locale.ROOT,
        "RESULT label=%s op=%s consistency=%s target=%s clients=%d conns=%d requests=%d errors=%d "
            + "seconds=%.3f rps=%.1f p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f max_ms=%.3f mean_ms=%.3f%n",
        o.label, op, consistency, o.target.name().toLowerCase(Locale.ROOT), o.clients, o.conns,
        p.completed(), p.errors.sum(), secs, rps, s.percentileMs(50), s.percentileMs(90),
        s.percentileMs(99), s.maxMs(), s.meanMs());
    if (p.errors.sum() > 0) {
      Map<String, Long> byCode = new TreeMap<>();
      p.errorCodes.forEach((code, n) -> byCode.put(code.name(), n.sum()));
      System.err.printf("[%s] errors by status: %s; first: %s%n", o.label, byCode, p.firstError.get());
    }
    System.out.flush();
  }

  // ---- helpers -----------------------------------------------------------------------------

  void close() {
    for (ManagedChannel ch : channels) {
      ch.shutdownNow();
    }
  }

  static String describe(Status s) {
    String d = s.getDescription();
    if (d == null && s.getCause() != null) {
      d = s.getCause().toString();
    }
    String cause = s.getCause() != null && s.getCause().getMessage() != null && !s.getCause().toString().equals(d)
        ? " (" + s.getCause().getMessage() + ")" : "";
    return s.getCode() + (d != null ? ": " + d : "") + cause;
  }

  private static long seconds(double s) {
    return (long) (s * 1e9);
  }

  private static void sleepMillis(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
