package io.skiff.controlplane.bench;

import java.util.Arrays;
import java.util.Collection;

/**
 * Exact latency samples in nanoseconds. Each writer (a closed-loop client, a watcher) owns one log and
 * appends to it from one thread at a time; {@link #merge} sorts the samples of many logs once, at the
 * end, so percentiles are exact rather than bucketed.
 */
final class LatencyLog {
  private long[] samples = new long[256];
  private int count;

  void record(long nanos) {
    if (count == samples.length) {
      samples = Arrays.copyOf(samples, count * 2);
    }
    samples[count++] = nanos;
  }

  void reset() {
    count = 0;
  }

  int count() {
    return count;
  }

  static Percentiles merge(Collection<LatencyLog> logs) {
    long[] all = new long[logs.stream().mapToInt(LatencyLog::count).sum()];
    int at = 0;
    for (LatencyLog log : logs) {
      System.arraycopy(log.samples, 0, all, at, log.count);
      at += log.count;
    }
    Arrays.sort(all);
    return new Percentiles(all);
  }

  /** Nearest-rank percentiles of sorted samples, in milliseconds (0 without samples). */
  static final class Percentiles {
    private final long[] sorted;

    private Percentiles(long[] sorted) {
      this.sorted = sorted;
    }

    int count() {
      return sorted.length;
    }

    double ms(double percentile) {
      if (sorted.length == 0) {
        return 0;
      }
      int rank = (int) Math.ceil(percentile / 100 * sorted.length);
      return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] / 1e6;
    }

    double maxMs() {
      return sorted.length == 0 ? 0 : sorted[sorted.length - 1] / 1e6;
    }
  }
}
