package io.skiff.controlplane.bench;

import io.grpc.ManagedChannel;
import io.skiff.api.v1.Pod;
import io.skiff.api.v1.PodsGrpc;
import io.skiff.store.server.Flags;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The API benchmark client: drives one or more masters' Skiff API (skiff.api.v1.Pods) with plain gRPC
 * stubs and prints one human line and one {@code RESULT key=value ...} line per measurement, as
 * {@code io.skiff.store.bench.StoreBenchmark} does for the store. Plaintext to --insecure masters, or
 * TLS with a client certificate or a bearer token (--ca-file, --cert-file, --key-file, --token).
 * scripts/bench-api.sh runs it.
 */
public final class ApiBenchmark implements BenchMain.Bench {

  static final String USAGE = """
      usage: ApiBenchmark MODE --apis HOST:PORT[,HOST:PORT...] [options]

      modes:
        wait       until every API answers grpc.health.v1 Check with SERVING (--max-seconds)
        pod-size   create one benchmark pod; print its stored key and value sizes (RESULT key_bytes= value_bytes=)
        load       closed-loop Pod requests: --op create|update|get --clients N --conns N --total N
                   [--warmup N [--warmup-seconds S]] (get: each client reads its own pod)
        populate   create --pods N benchmark pods with --clients N over --conns N (prints the time taken)
        watch      fan-out: --watchers N over --conns N channels, while one writer creates --pods N [--rate R/s]
        handshake  new connections: --channels N opened one after another to the first API, each timed
                   from creation to READY (TCP, TLS handshake, HTTP/2), then closed
        grant-token  as a system:masters client certificate: binds --user NAME to cluster-admin by a
                   ClusterRoleBinding (NAME-cluster-admin), creates a bearer token for NAME (Auth
                   CreateToken), waits until the master takes it, and prints the token ("ID.SECRET")
                   on stdout, alone: it appears nowhere else

      options:
        --label NAME         names the result and the objects written (default bench)
        --namespace NS       where pods are written (default: default; watch uses its own, new namespace)
        --timeout-ms N       per-request deadline (default 10000)
        --max-seconds S      bound on each phase (default 300): a phase ends after its requests or this
                             long, whichever comes first, and reports what it did
        --warmup-seconds S   bound on load's warm-up phase (default 10)
        --ca-file FILE       TLS, trusting this CA (the cluster's ca.crt); without it, plaintext (--insecure masters)
        --cert-file FILE     with --key-file: the client certificate to present (e.g. the PKI dir's admin.crt)
        --key-file FILE
        --token ID.SECRET    a bearer token sent with every call (TLS only)

      Channel i goes to API i mod n; client (or watcher) i uses channel i mod conns.
      Exit status: 0 done; 1 usage or setup error; 2 a phase did not finish in time; 3 every request failed.
      """;

  private static final Set<String> FLAGS = Set.of("--apis", "--op", "--clients", "--conns", "--total", "--warmup",
      "--pods", "--watchers", "--rate", "--label", "--namespace", "--timeout-ms", "--max-seconds", "--warmup-seconds",
      "--ca-file", "--cert-file", "--key-file", "--token", "--channels", "--user");

  private final Flags flags;
  private final String label;
  private final long timeoutMs;
  private final double maxSeconds;
  private final ChannelSecurity security;

  private ApiBenchmark(Flags flags) {
    this.flags = flags;
    this.security = ChannelSecurity.fromFlags(flags);
    this.label = flags.string("--label", "bench");
    this.timeoutMs = flags.positive("--timeout-ms", 10_000);
    this.maxSeconds = flags.positive("--max-seconds", 300);
  }

  public static void main(String[] args) throws InterruptedException {
    BenchMain.run("ApiBenchmark", USAGE, FLAGS, args, ApiBenchmark::new);
  }

  @Override
  public ChannelSecurity channelSecurity() {
    return security;
  }

  @Override
  public int run(String mode, ApiConnections connections) throws InterruptedException {
    List<String> apis = List.of(flags.require("--apis").split(","));
    return switch (mode) {
      case "wait" -> connections.awaitServing(apis, maxSeconds) ? 0 : 2;
      case "pod-size" -> podSize(connections.connect(apis, 1));
      case "load" -> load(connections.connect(apis, (int) flags.positive("--conns", 1)));
      case "populate" -> populate(connections.connect(apis, (int) flags.positive("--conns", 1)));
      case "watch" -> watch(connections.connect(apis, (int) flags.positive("--conns", 10)));
      case "handshake" -> handshake(connections, apis.get(0));
      case "grant-token" -> grantToken(connections, apis);
      default -> throw new IllegalArgumentException("unknown mode " + mode);
    };
  }

  // ---- modes ----------------------------------------------------------------------------------

  private int podSize(List<ManagedChannel> chs) {
    String namespace = namespace(chs);
    Pod pod = PodsGrpc.newBlockingStub(chs.get(0)).withDeadlineAfter(timeoutMs, TimeUnit.MILLISECONDS)
        .create(BenchPods.pod(namespace, runId() + "-size"));
    // as stored: the key is /registry/pods/<namespace>/<name>; the value the object without its resource_version
    String key = "/registry/pods/" + namespace + "/" + pod.getMetadata().getName();
    int value = pod.toBuilder().setMetadata(pod.getMetadata().toBuilder().clearResourceVersion()).build()
        .getSerializedSize();
    System.out.printf(Locale.ROOT, "RESULT label=%s key_bytes=%d value_bytes=%d%n", label, key.length(), value);
    return 0;
  }

  private int load(List<ManagedChannel> chs) throws InterruptedException {
    PodLoad.Op op = switch (flags.string("--op", "create")) {
      case "create" -> PodLoad.Op.CREATE;
      case "update" -> PodLoad.Op.UPDATE;
      case "get" -> PodLoad.Op.GET;
      default -> throw new IllegalArgumentException("--op must be create, update or get");
    };
    int clients = (int) flags.positive("--clients", 1);
    PodLoad load = new PodLoad(chs, op, BenchPods::pod, clients, namespace(chs), runId(), timeoutMs);
    load.prepare();
    long warmup = flags.nonNegative("--warmup", 0);
    if (warmup > 0) {
      double bound = Math.min(maxSeconds, flags.positive("--warmup-seconds", 10));
      PodLoad.Phase warm = load.run(warmup, bound, false);
      if (warm == null) {
        System.err.printf("[%s] warm-up did not stop within %.0f s%n", label, bound);
        return 2;
      }
    }
    PodLoad.Phase phase = load.run(flags.positive("--total", 10_000), maxSeconds, true);
    if (phase == null) {
      System.err.printf("[%s] the measured run did not stop within %.0f s%n", label, maxSeconds);
      return 2;
    }
    LatencyLog.Percentiles p = load.latencies();
    double rps = phase.ok.sum() / phase.seconds();
    String opName = op.name().toLowerCase(Locale.ROOT);
    System.out.printf(Locale.ROOT, "%s %s clients=%d conns=%d: %d requests, %d errors in %.2f s: %.1f req/s,"
            + " p50 %.2f ms, p99 %.2f ms%n", label, opName, clients, chs.size(), phase.completed(), phase.errors.sum(),
        phase.seconds(), rps, p.ms(50), p.ms(99));
    System.out.printf(Locale.ROOT, "RESULT label=%s op=%s clients=%d conns=%d requests=%d errors=%d seconds=%.3f"
            + " rps=%.1f p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f max_ms=%.3f%n", label, opName, clients, chs.size(),
        phase.completed(), phase.errors.sum(), phase.seconds(), rps, p.ms(50), p.ms(90), p.ms(99), p.maxMs());
    if (phase.errors.sum() > 0) {
      System.err.printf("[%s] errors: %s%n", label, phase.errorSummary());
    }
    return phase.ok.sum() == 0 ? 3 : 0;
  }

  private int populate(List<ManagedChannel> chs) throws InterruptedException {
    long pods = flags.positive("--pods", 10_000);
    PodLoad load = new PodLoad(chs, PodLoad.Op.CREATE, BenchPods::pod, (int) flags.positive("--clients", 10),
        namespace(chs), runId(), timeoutMs);
    PodLoad.Phase phase = load.run(pods, maxSeconds, false);
    if (phase == null || phase.ok.sum() < pods) {
      System.err.printf("[%s] created %s of %d pods%s%n", label, phase == null ? "?" : phase.ok.sum(), pods,
          phase == null ? " (did not finish in time)" : ": " + phase.errorSummary());
      return 2;
    }
    System.out.printf(Locale.ROOT, "RESULT label=%s op=populate pods=%d seconds=%.3f%n", label, pods, phase.seconds());
    return 0;
  }

  private int watch(List<ManagedChannel> chs) throws InterruptedException {
    String namespace = ApiConnections.ensureNamespace(chs.get(0), runId(), timeoutMs);
    double rate = Double.parseDouble(flags.string("--rate", "0"));
    WatchFanout fanout = new WatchFanout(chs, namespace, (int) flags.positive("--watchers", 1000),
        (int) flags.positive("--pods", 1000), rate, timeoutMs);
    return fanout.run(label, maxSeconds) ? 0 : 2;
  }

  private int handshake(ApiConnections connections, String api) throws InterruptedException {
    int channels = (int) flags.positive("--channels", 200);
    LatencyLog.Percentiles p = new ChannelHandshakes(connections, timeoutMs).measure(api, channels, maxSeconds);
    if (p == null) {
      return 3;
    }
    System.out.printf(Locale.ROOT, "%s handshake (%s): %d new channels, to READY p50 %.2f ms, p99 %.2f ms%n", label,
        security, p.count(), p.ms(50), p.ms(99));
    System.out.printf(Locale.ROOT, "RESULT label=%s op=handshake channels=%d p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f"
        + " max_ms=%.3f%n", label, p.count(), p.ms(50), p.ms(90), p.ms(99), p.maxMs());
    return p.count() < channels ? 2 : 0;
  }

  private int grantToken(ApiConnections connections, List<String> apis) throws InterruptedException {
    String token = new TokenGrant(connections, apis, timeoutMs).grant(flags.require("--user"), maxSeconds);
    if (token == null) {
      return 2;
    }
    System.out.println(token);  // stdout alone, for the caller to capture
    return 0;
  }

  // ---- setup ----------------------------------------------------------------------------------

  /** The --namespace to write in, created first unless it is "default". */
  private String namespace(List<ManagedChannel> chs) {
    String namespace = flags.string("--namespace", "default");
    return namespace.equals("default") ? namespace : ApiConnections.ensureNamespace(chs.get(0), namespace, timeoutMs);
  }

  /** A prefix no earlier run used. */
  private String runId() {
    return ApiConnections.runId(label);
  }
}
