package io.skiff.controlplane.bench;

import io.grpc.ManagedChannel;
import io.skiff.api.v1.ClusterGrpc;
import io.skiff.api.v1.ListRequest;
import io.skiff.api.v1.MembersRequest;
import io.skiff.api.v1.Node;
import io.skiff.api.v1.NodesGrpc;
import io.skiff.store.server.Flags;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * The scheduler benchmark client: the scheduler's throughput on one master with many (hollow) nodes,
 * and the controller leader's failover on three masters. Prints human lines and {@code RESULT
 * key=value ...} lines, as {@link ApiBenchmark} does; scripts/bench-scheduler.sh runs it.
 */
public final class SchedulerBenchmark implements BenchMain.Bench {

  static final String USAGE = """
      usage: SchedulerBenchmark MODE --apis HOST:PORT[,HOST:PORT...] [options]

      modes:
        throughput  wait until --nodes N nodes are Ready; create --warm N pods (not measured) and wait until
                    they are bound; then create --pods N pods with --clients N over --conns N channels and
                    report pods bound per second, create-to-bound latency, and the master's CPU
                    (--master-pid PID; --hollow-pid PID for the hollow nodes' too)
        failover    one round: kill the controller leader among the masters (--pids ID=PID,...), measure
                    the time to the first acknowledged write and to the first pod bound (--round N)

      options:
        --label NAME         names the result and the objects written (default sched, or failover)
        --clk-tck N          the kernel's clock ticks per second, `getconf CLK_TCK` (default 100)
        --timeout-ms N       per-request deadline (default 10000)
        --max-seconds S      bound on each phase (default 300): waiting for nodes, warm-up, the measured run,
                             a failover round

      Exit status: 0 done; 1 usage or setup error; 2 a phase did not finish in time.
      """;

  private static final Set<String> FLAGS = Set.of("--apis", "--nodes", "--pods", "--warm", "--clients", "--conns",
      "--master-pid", "--hollow-pid", "--clk-tck", "--pids", "--round", "--label", "--timeout-ms", "--max-seconds");

  private final Flags flags;
  private final long timeoutMs;
  private final double maxSeconds;

  private SchedulerBenchmark(Flags flags) {
    this.flags = flags;
    this.timeoutMs = flags.positive("--timeout-ms", 10_000);
    this.maxSeconds = flags.positive("--max-seconds", 300);
  }

  public static void main(String[] args) throws InterruptedException {
    BenchMain.run("SchedulerBenchmark", USAGE, FLAGS, args, SchedulerBenchmark::new);
  }

  @Override
  public int run(String mode, ApiConnections connections) throws InterruptedException {
    List<String> apis = List.of(flags.require("--apis").split(","));
    return switch (mode) {
      case "throughput" -> throughput(connections.connect(apis, (int) flags.positive("--conns", 6)));
      case "failover" -> failover(connections.connect(apis, apis.size()));
      default -> throw new IllegalArgumentException("unknown mode " + mode);
    };
  }

  private int throughput(List<ManagedChannel> channels) throws InterruptedException {
    String label = flags.string("--label", "sched");
    int nodes = (int) flags.positive("--nodes", 1000);
    int pods = (int) flags.positive("--pods", 10_000);
    int warm = (int) flags.nonNegative("--warm", 0);
    int clients = (int) flags.positive("--clients", 50);
    long ticks = flags.positive("--clk-tck", 100);
    ProcessStats master = new ProcessStats(flags.positive("--master-pid", 0), ticks);
    ProcessStats hollow = flags.string("--hollow-pid", null) == null ? null
        : new ProcessStats(flags.positive("--hollow-pid", 0), ticks);
    if (!awaitReadyNodes(channels.get(0), nodes)) {
      return 2;
    }
    String run = ApiConnections.runId(label);
    if (warm > 0) {
      System.err.printf("[%s] warm-up: %d pods, not measured%n", label, warm);
      String namespace = ApiConnections.ensureNamespace(channels.get(0), run + "-warm", timeoutMs);
      if (!new SchedulingThroughput(channels, namespace, clients, timeoutMs)
          .run(label + "-warm", warm, maxSeconds, master, hollow, false)) {
        return 2;
      }
    }
    String namespace = ApiConnections.ensureNamespace(channels.get(0), run, timeoutMs);
    System.err.printf("[%s] %d pods by %d clients over %d channels, %d nodes%n", label, pods, clients, channels.size(),
        nodes);
    return new SchedulingThroughput(channels, namespace, clients, timeoutMs)
        .run(label, pods, maxSeconds, master, hollow, true) ? 0 : 2;
  }

  /** Waits until at least {@code count} nodes have Ready=True. */
  private boolean awaitReadyNodes(ManagedChannel channel, int count) throws InterruptedException {
    long deadline = System.nanoTime() + (long) (maxSeconds * 1e9);
    long ready;
    while ((ready = readyNodes(channel)) < count) {
      if (System.nanoTime() - deadline > 0) {
        System.err.printf(Locale.ROOT, "only %d of %d nodes were Ready within %.0f s%n", ready, count, maxSeconds);
        return false;
      }
      TimeUnit.MILLISECONDS.sleep(500);
    }
    return true;
  }

  private long readyNodes(ManagedChannel channel) {
    return NodesGrpc.newBlockingStub(channel).withDeadlineAfter(timeoutMs, TimeUnit.MILLISECONDS)
        .list(ListRequest.getDefaultInstance()).getItemsList().stream()
        .filter(SchedulerBenchmark::ready)
        .count();
  }

  private static boolean ready(Node node) {
    return node.getStatus().getConditionsList().stream()
        .anyMatch(c -> c.getType().equals("Ready") && c.getStatus().equals("True"));
  }

  private int failover(List<ManagedChannel> channels) throws InterruptedException {
    Map<String, Long> pids = new HashMap<>();
    for (String pair : flags.require("--pids").split(",")) {
      String[] idPid = pair.split("=", 2);
      if (idPid.length != 2 || !idPid[1].matches("[0-9]+")) {
        throw new IllegalArgumentException("--pids wants ID=PID,..., not " + pair);
      }
      pids.put(idPid[0], Long.parseLong(idPid[1]));
    }
    // which master each API is: its own answer
    Map<String, ManagedChannel> masters = new TreeMap<>();
    for (ManagedChannel channel : channels) {
      String id = ClusterGrpc.newBlockingStub(channel).withDeadlineAfter(timeoutMs, TimeUnit.MILLISECONDS)
          .members(MembersRequest.getDefaultInstance()).getAnsweredBy();
      if (!pids.containsKey(id)) {
        throw new IllegalArgumentException(channel.authority() + " is master " + id + ", which --pids does not name");
      }
      masters.put(id, channel);
    }
    int round = (int) flags.positive("--round", 1);
    return new LeaderFailover(masters, pids, timeoutMs).run(flags.string("--label", "failover"), round, maxSeconds)
        ? 0 : 2;
  }
}
