package io.skiff.cli.output;

import com.google.protobuf.Timestamp;
import java.time.Duration;
import java.time.Instant;

/** Ages as kubectl prints them (Kubernetes' duration.HumanDuration): 5s, 3m20s, 7h, 2d3h, 1y. */
public final class Ages {
  private Ages() {
  }

  /** The age of {@code time} at {@code now}; "<unknown>" when unset. */
  public static String since(Timestamp time, Instant now) {
    if (time == null || (time.getSeconds() == 0 && time.getNanos() == 0)) {
      return "<unknown>";
    }
    return human(Duration.between(Instant.ofEpochSecond(time.getSeconds(), time.getNanos()), now));
  }

  public static String human(Duration d) {
    long seconds = d.getSeconds();
    if (seconds < -1) {
      return "<invalid>";
    } else if (seconds < 0) {
      return "0s";
    } else if (seconds < 60 * 2) {
      return seconds + "s";
    }
    long minutes = seconds / 60;
    if (minutes < 10) {
      long s = seconds % 60;
      return s == 0 ? minutes + "m" : minutes + "m" + s + "s";
    } else if (minutes < 60 * 3) {
      return minutes + "m";
    }
    long hours = minutes / 60;
    if (hours < 8) {
      long m = minutes % 60;
      return m == 0 ? hours + "h" : hours + "h" + m + "m";
    } else if (hours < 48) {
      return hours + "h";
    } else if (hours < 24 * 8) {
      long h = hours % 24;
      return h == 0 ? hours / 24 + "d" : hours / 24 + "d" + h + "h";
    } else if (hours < 24 * 365 * 2) {
      return hours / 24 + "d";
    } else if (hours < 24 * 365 * 8) {
      long days = (hours / 24) % 365;
      return days == 0 ? hours / 24 / 365 + "y" : hours / 24 / 365 + "y" + days + "d";
    }
    return hours / 24 / 365 + "y";
  }

  /** kubectl describe's time format: "Mon, 02 Jan 2006 15:04:05 +0000". */
  public static String rfc1123(Timestamp time) {
    if (time == null || (time.getSeconds() == 0 && time.getNanos() == 0)) {
      return "<unset>";
    }
    return java.time.format.DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss Z", java.util.Locale.ROOT)
        .format(Instant.ofEpochSecond(time.getSeconds()).atZone(java.time.ZoneOffset.UTC));
  }
}
