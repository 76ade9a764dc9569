package io.skiff.store.bench;

import java.util.Arrays;
import java.util.List;

/**
 * Request latencies in nanoseconds: one growable array per client (a client has one request in flight
 * at a time, so its array is written by one callback after another, never concurrently), merged and
 * sorted once at the end for exact percentiles.
 */
final class Latencies {

  private long[] values = new long[1024];
  private int size;

  void add(long nanos) {
    if (size == values.length) {
      values = Arrays.copyOf(values, values.length * 2);
    }
    values[size++] = nanos;
  }

  void clear() {
    size = 0;
  }

  /** The summary of all samples of the given logs. */
  static Summary summarize(List<Latencies> logs) {
    int n = 0;
    for (Latencies l : logs) {
      n += l.size;
    }
    long[] all = new long[n];
    int at = 0;
    for (Latencies l : logs) {
      System.arraycopy(l.values, 0, all, at, l.size);
      at += l.size;
    }
    Arrays.sort(all);
    return new Summary(all);
  }

  static final class Summary {
    private final long[] sorted;

    Summary(long[] sorted) {
      this.sorted = sorted;
    }

    int count() {
      return sorted.length;
    }

    /** Nearest-rank percentile in milliseconds, p in (0, 100]; 0 without samples. */
    double percentileMs(double p) {
      if (sorted.length == 0) {
        return 0;
      }
      int rank = (int) Math.ceil(p / 100.0 * sorted.length);
      int index = Math.min(sorted.length - 1, Math.max(0, rank - 1));
      return sorted[index] / 1e6;
    }

    double maxMs() {
      return sorted.length == 0 ? 0 : sorted[sorted.length - 1] / 1e6;
    }

    double meanMs() {
      if (sorted.length == 0) {
        return 0;
      }
      double sum = 0;
      for (long v : sorted) {
        sum += v;
      }
      return sum / sorted.length / 1e6;
    }
  }
}
