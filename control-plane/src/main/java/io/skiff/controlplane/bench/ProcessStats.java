package io.skiff.controlplane.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The CPU time and resident memory of a process on this machine, read from Linux's /proc, so that a
 * client can measure a master over exactly the interval it measures. Stateless; thread-safe.
 *
 * @param ticksPerSecond the kernel's clock ticks per second ({@code getconf CLK_TCK}), the unit of /proc/PID/stat's times
 */
record ProcessStats(long pid, long ticksPerSecond) {

  /** User plus system CPU time the process has used, in seconds. */
  double cpuSeconds() {
    String stat = read("stat");
    // fields after the command name, which is in parentheses and may itself hold spaces: state is
    // field 3, utime field 14 and stime field 15 (proc(5))
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    long ticks = Long.parseLong(fields[14 - 3]) + Long.parseLong(fields[15 - 3]);
    return (double) ticks / ticksPerSecond;
  }

  /** Resident set size in bytes (VmRSS). */
  long rssBytes() {
    for (String line : read("status").split("\n")) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
      }
    }
    throw new IllegalStateException("no VmRSS in /proc/" + pid + "/status");
  }

  private String read(String file) {
    try {
      return Files.readString(Path.of("/proc", Long.toString(pid), file));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read /proc/" + pid + "/" + file + " (is process " + pid + " running?)", e);
    }
  }
}
