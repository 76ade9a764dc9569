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
        --cert-dir DIR              the node's certificate, key and cluster CA: ca.crt, node.crt, node.key
                                    (default /var/lib/skiff/agent/pki)
        --token ID.SECRET           a join-agent token (`skiff token create --purpose join-agent`): on first
                                    start, without a certificate yet, the agent joins and saves one in --cert-dir
        --ca-cert-hash sha256:HEX   the cluster CA's pin, with --token: the masters must show this CA
        --insecure                  plaintext to the masters and for the logs port (masters started --insecure)
        --help                      this text
      """;
  private static final Set<String> FLAGS = Set.of("--masters", "--node-name", "--node-ip", "--port", "--podman-socket",
      "--backoff-initial-ms", "--backoff-max-ms", "--cert-dir", "--token", "--ca-cert-hash");
  private static final Set<String> SWITCHES = Set.of("--insecure");

  private AgentFlags() {
  }

  /** Null when the user asked for help; IllegalArgumentException naming what is wrong. */
  static AgentConfig parse(String[] args, String hostname) {
    Map<String, String> values = CommandLine.parse(args, FLAGS, SWITCHES);
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
        .withBackoff(initial, max)
        .withSecurity(security(values));
  }

  private static AgentSecurity security(Map<String, String> values) {
    boolean insecure = CommandLine.isSet(values, "--insecure");
    if (insecure && values.containsKey("--cert-dir")) {
      throw new IllegalArgumentException("--insecure and --cert-dir exclude each other: an insecure agent uses no "
          + "certificates");
    }
    Path certDir = Path.of(values.getOrDefault("--cert-dir", AgentSecurity.DEFAULT_CERT_DIR.toString()));
    return new AgentSecurity(insecure, certDir, values.get("--token"), values.get("--ca-cert-hash"));
  }
}
