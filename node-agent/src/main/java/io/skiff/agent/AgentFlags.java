package io.skiff.agent;

import static io.skiff.agent.CommandLine.number;

import io.skiff.client.Endpoints;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** The agent's command line. */
final class AgentFlags {
  static final String USAGE = """
      usage: skiff-agent [options]
        --masters HOST:PORT,...     the masters' API endpoints (default 127.0.0.1:6443)
        --node-name NAME            this node's name (default: the hostname, lower-cased)
        --node-ip IP                this node's InternalIP (default: the address that reaches the first master)
        --port PORT                 where the agent's gRPC service (logs) listens (default 10250)
        --podman-socket PATH        Podman's API socket (default /run/skiff/podman.sock)
        --backoff-initial-ms MS     first restart back-off of a crashing container (default 10000)
        --backoff-max-ms MS         longest restart back-off (default 300000)
        --help                      this text
      """;
  private static final Set<String> FLAGS = Set.of("--masters", "--node-name", "--node-ip", "--port", "--podman-socket",
      "--backoff-initial-ms", "--backoff-max-ms");

  private AgentFlags() {
  }

  /** Null when the user asked for help; IllegalArgumentException naming what is wrong. */
  static AgentConfig parse(String[] args, String hostname) {
    Map<String, String> values = CommandLine.parse(args, FLAGS);
    if (values == null) {
      return null;
    }
    String nodeName = values.getOrDefault("--node-name", hostname.toLowerCase(Locale.ROOT));
    AgentConfig config = AgentConfig.defaults(Endpoints.parse(values.getOrDefault("--masters", "127.0.0.1:6443")),
        nodeName);
    int port = (int) number(values, "--port", config.port());
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("--port " + port + " is not in 0..65535");
    }
    Duration initial = Duration.ofMillis(number(values, "--backoff-initial-ms", config.backoffInitial().toMillis()));
    Duration max = Duration.ofMillis(number(values, "--backoff-max-ms", config.backoffMax().toMillis()));
    if (initial.isZero() || max.compareTo(initial) < 0) {
      throw new IllegalArgumentException("back-offs must be positive, the maximum at least the initial one");
    }
    return config.withNodeIp(values.getOrDefault("--node-ip", ""))
        .withPort(port)
        .withPodmanSocket(Path.of(values.getOrDefault("--podman-socket", config.podmanSocket().toString())))
        .withBackoff(initial, max);
  }
}
