package io.skiff.agent.node;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * What the node's status says about the machine, read from /proc, /etc and the JVM. Anything that
 * cannot be read is left empty (or, for memory, taken from the JVM's view), never guessed.
 *
 * @param memoryBytes MemTotal of /proc/meminfo
 * @param architecture as Kubernetes spells it (amd64, arm64)
 */
public record MachineInfo(
    int cpus,
    long memoryBytes,
    String kernelVersion,
    String osImage,
    String operatingSystem,
    String architecture,
    String machineId,
    String bootId,
    String hostname) {

  public static MachineInfo read() {
    return new MachineInfo(
        Runtime.getRuntime().availableProcessors(),
        memTotal(),
        firstLine(Path.of("/proc/sys/kernel/osrelease"), System.getProperty("os.version")),
        readOsImage(),
        System.getProperty("os.name").toLowerCase(Locale.ROOT),
        architecture(System.getProperty("os.arch")),
        firstLine(Path.of("/etc/machine-id"), ""),
        firstLine(Path.of("/proc/sys/kernel/random/boot_id"), ""),
        readHostname());
  }

  /** MemTotal in bytes; the JVM's idea of physical memory when /proc/meminfo is unreadable. */
  static long memTotal() {
    for (String line : lines(Path.of("/proc/meminfo"))) {
      if (line.startsWith("MemTotal:")) {
        String[] parts = line.split("\\s+");
        return Long.parseLong(parts[1]) * 1024;
      }
    }
    return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
        .getOperatingSystemMXBean()).getTotalMemorySize();
  }

  /** PRETTY_NAME of /etc/os-release ("Debian GNU/Linux 12 (bookworm)"). */
  static String readOsImage() {
    for (String line : lines(Path.of("/etc/os-release"))) {
      if (line.startsWith("PRETTY_NAME=")) {
        return line.substring("PRETTY_NAME=".length()).replace("\"", "");
      }
    }
    return System.getProperty("os.name");
  }

  static String architecture(String osArch) {
    return switch (osArch) {
      case "amd64", "x86_64" -> "amd64";
      case "aarch64", "arm64" -> "arm64";
      default -> osArch;
    };
  }

  static String readHostname() {
    String fromProc = firstLine(Path.of("/proc/sys/kernel/hostname"), "");
    if (!fromProc.isEmpty()) {
      return fromProc;
    }
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.net.UnknownHostException e) {
      return "localhost";
    }
  }

  private static String firstLine(Path path, String otherwise) {
    List<String> lines = lines(path);
    return lines.isEmpty() ? otherwise : lines.get(0).strip();
  }

  private static List<String> lines(Path path) {
    try {
      return Files.readAllLines(path);
    } catch (IOException | SecurityException e) {
      return List.of();
    }
  }
}
