package io.skiff.controlplane.bench;

import io.grpc.ManagedChannel;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The scheduler's throughput, as Kubernetes' scheduler_perf measures it: {@code pods} small pods
 * ({@link BenchPods#small}) created in one namespace as fast as the API takes them ({@link PodLoad},
 * closed loop), while a {@link BindWatch} notes when each is seen bound. Reports pods bound per second
 * overall (first create sent to last bind seen) and in steady state (between the moments 10% and 90%
 * of them were bound), the create-to-bound latency (the create's send to the watch event that has
 * spec.nodeName), and the CPU the master and the hollow nodes used over the same interval.
 *
 * <p>Send times are written by the clients' threads into a concurrent map and read after the run.
 */
final class SchedulingThroughput {
  private final List<ManagedChannel> channels;
  private final String namespace;
  private final int clients;
  private final long timeoutMs;
  /** Pod name to the nanoTime its create was sent. */
  private final Map<String, Long> sentAt = new ConcurrentHashMap<>();

  SchedulingThroughput(List<ManagedChannel> channels, String namespace, int clients, long timeoutMs) {
    this.channels = channels;
    this.namespace = namespace;
    this.clients = clients;
    this.timeoutMs = timeoutMs;
  }

  /**
   * Creates the pods and waits until all are seen bound or {@code maxSeconds} pass; prints the
   * result lines (the RESULT line only if {@code report}); false if some pod was not created or not bound.
   * {@code hollow} may be null (no hollow-node process to measure).
   */
  boolean run(String label, int pods, double maxSeconds, ProcessStats master, ProcessStats hollow, boolean report)
      throws InterruptedException {
    PodLoad load = new PodLoad(channels, PodLoad.Op.CREATE, (ns, name) -> {
      sentAt.put(name, System.nanoTime());
      return BenchPods.small(ns, name);
    }, clients, namespace, ApiConnections.runId(label), timeoutMs);
    try (BindWatch watch = BindWatch.start(channels.get(0), namespace, timeoutMs)) {
      long deadline = System.nanoTime() + (long) (maxSeconds * 1e9);
      long cpuFrom = System.nanoTime();
      double masterCpu = master.cpuSeconds();
      double hollowCpu = hollow == null ? 0 : hollow.cpuSeconds();
      PodLoad.Phase creates = load.run(pods, maxSeconds, true);
      if (creates == null) {
        System.err.printf("[%s] the creates did not stop within %.0f s%n", label, maxSeconds);
        return false;
      }
      int created = (int) creates.ok.sum();
      boolean all = watch.awaitBound(created, deadline);
      masterCpu = master.cpuSeconds() - masterCpu;
      hollowCpu = hollow == null ? 0 : hollow.cpuSeconds() - hollowCpu;
      double cpuSeconds = (System.nanoTime() - cpuFrom) / 1e9;
      Binds binds = binds(watch);
      if (!all) {
        System.err.printf("[%s] only %d of %d created pods were seen bound within %.0f s%n", label, binds.count(),
            created, maxSeconds);
      }
      if (creates.errors.sum() > 0) {
        System.err.printf("[%s] %d creates failed: %s%n", label, creates.errors.sum(), creates.errorSummary());
      }
      print(label, pods, new Measured(creates, load.latencies(), binds, cpuSeconds, masterCpu, hollowCpu,
          master.rssBytes()), report);
      return all && created == pods;
    }
  }

  /**
   * Everything a run reports. {@code masterCpu} and {@code hollowCpu}: CPU seconds used in the
   * {@code cpuSeconds} from the first create to the last bind seen (or to giving up).
   */
  private record Measured(PodLoad.Phase creates, LatencyLog.Percentiles createLatency, Binds binds,
      double cpuSeconds, double masterCpu, double hollowCpu, long masterRss) {
  }

  /** Send and bound times of the pods seen bound, in order of binding. */
  private record Binds(long firstSent, long[] sent, long[] bound) {
    int count() {
      return bound.length;
    }

    double seconds() {
      return count() == 0 ? 0 : (bound[count() - 1] - firstSent) / 1e9;
    }

    /** From the first create sent to the first bind seen: a stall before scheduling starts shows here. */
    double firstBindSeconds() {
      return count() == 0 ? 0 : (bound[0] - firstSent) / 1e9;
    }

    /** Pods per second between the moments {@code from} and {@code to} (fractions) of them were bound. */
    double rate(double from, double to) {
      int a = Math.max(0, (int) Math.ceil(from * count()) - 1);
      int b = Math.max(0, (int) Math.ceil(to * count()) - 1);
      return b > a ? (b - a) / ((bound[b] - bound[a]) / 1e9) : 0;
    }

    LatencyLog.Percentiles latencies() {
      LatencyLog log = new LatencyLog();
      for (int i = 0; i < count(); i++) {
        log.record(bound[i] - sent[i]);
      }
      return LatencyLog.merge(List.of(log));
    }

    /** Pods bound in each second after the first create was sent. */
    int[] perSecond() {
      int[] counts = new int[(int) Math.ceil(seconds()) + 1];
      for (long b : bound) {
        counts[(int) ((b - firstSent) / 1_000_000_000L)]++;
      }
      return counts;
    }
  }

  private Binds binds(BindWatch watch) {
    long[][] pairs = sentAt.entrySet().stream()
        .map(e -> {
          Long bound = watch.boundAt(e.getKey());
          return bound == null ? null : new long[] {e.getValue(), bound};
        })
        .filter(p -> p != null)
        .sorted((x, y) -> Long.compare(x[1], y[1]))
        .toArray(long[][]::new);
    long firstSent = sentAt.values().stream().mapToLong(Long::longValue).min().orElse(0);
    return new Binds(firstSent, Arrays.stream(pairs).mapToLong(p -> p[0]).toArray(),
        Arrays.stream(pairs).mapToLong(p -> p[1]).toArray());
  }

  private void print(String label, int pods, Measured m, boolean report) {
    PodLoad.Phase creates = m.creates;
    Binds binds = m.binds;
    LatencyLog.Percentiles p = binds.latencies();
    double seconds = binds.seconds();
    double overall = seconds > 0 ? binds.count() / seconds : 0;
    double steady = binds.rate(0.1, 0.9);
    System.out.printf(Locale.ROOT, "[%s] %d pods created in %.2f s (%.0f/s; create p50 %.1f ms, p99 %.1f ms; %d errors),"
            + " %d bound: the first %.2f s and the last %.2f s after the first create%n", label, creates.ok.sum(),
        creates.seconds(), creates.ok.sum() / creates.seconds(), m.createLatency.ms(50), m.createLatency.ms(99),
        creates.errors.sum(), binds.count(), binds.firstBindSeconds(), seconds);
    System.out.printf(Locale.ROOT, "[%s] scheduled %.0f pods/s overall, %.0f pods/s steady (10%%..90%% bound);"
            + " create-to-bound p50 %.0f ms, p90 %.0f ms, p99 %.0f ms, max %.0f ms%n", label, overall, steady, p.ms(50),
        p.ms(90), p.ms(99), p.maxMs());
    System.out.printf(Locale.ROOT, "[%s] master CPU %.1f s in %.1f s (%.0f%% of a core), RSS %d MiB; hollow nodes CPU"
            + " %.1f s (%.0f%%)%n", label, m.masterCpu, m.cpuSeconds, percent(m.masterCpu, m.cpuSeconds),
        m.masterRss >> 20, m.hollowCpu, percent(m.hollowCpu, m.cpuSeconds));
    System.out.printf("[%s] bound per second: %s%n", label,
        IntStream.of(binds.perSecond()).mapToObj(Integer::toString).collect(Collectors.joining(" ")));
    if (report) {
      System.out.printf(Locale.ROOT, "RESULT label=%s pods=%d created=%d create_errors=%d bound=%d create_seconds=%.3f"
              + " create_rps=%.1f create_p50_ms=%.3f create_p99_ms=%.3f first_bind_s=%.3f seconds=%.3f overall_pps=%.1f"
              + " steady_pps=%.1f p50_ms=%.1f p90_ms=%.1f p99_ms=%.1f max_ms=%.1f cpu_wall_s=%.2f"
              + " master_cpu_s=%.2f master_cpu_pct=%.0f master_rss=%d hollow_cpu_s=%.2f hollow_cpu_pct=%.0f%n",
          label, pods, creates.ok.sum(), creates.errors.sum(), binds.count(), creates.seconds(),
          creates.ok.sum() / creates.seconds(), m.createLatency.ms(50), m.createLatency.ms(99),
          binds.firstBindSeconds(), seconds, overall, steady, p.ms(50), p.ms(90), p.ms(99), p.maxMs(),
          m.cpuSeconds, m.masterCpu, percent(m.masterCpu, m.cpuSeconds), m.masterRss, m.hollowCpu, percent(m.hollowCpu, m.cpuSeconds));
    }
  }

  private static double percent(double cpuSeconds, double seconds) {
    return seconds > 0 ? 100 * cpuSeconds / seconds : 0;
  }
}
