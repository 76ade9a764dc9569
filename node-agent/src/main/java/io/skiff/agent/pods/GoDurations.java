package io.skiff.agent.pods;

import java.time.Duration;

/** Durations as Go prints them ("200ms", "10s", "1.6s", "5m0s"), for messages that read like the kubelet's. */
final class GoDurations {
  private GoDurations() {
  }

  static String format(Duration d) {
    long millis = d.toMillis();
    if (millis < 1000) {
      return millis + "ms";
    }
    if (millis < 60_000) {
      return millis % 1000 == 0 ? millis / 1000 + "s" : java.math.BigDecimal.valueOf(millis, 3).stripTrailingZeros()
          .toPlainString() + "s";
    }
    long seconds = millis / 1000;
    return seconds / 60 + "m" + seconds % 60 + "s";
  }
}
