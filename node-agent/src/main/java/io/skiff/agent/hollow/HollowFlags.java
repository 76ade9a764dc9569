package io.skiff.agent.hollow;

import static io.skiff.agent.CommandLine.number;

import io.skiff.agent.AgentConfig;
import io.skiff.agent.CommandLine;
import io.skiff.agent.CredentialFlags;
import io.skiff.client.Credentials;
import io.skiff.client.Endpoints;
import io.skiff.client.Quantity;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The hollow-node process's command line.
 *
 * @param template every node's agent settings (its name aside)
 * @param port where the nodes' shared log server listens
 * @param credentials how the nodes' shared channel calls the masters
 */
record HollowFlags(AgentConfig template, String prefix, int count, int cpus, long memoryBytes, int port,
    Credentials credentials) {
  static final String USAGE = """
      usage: hollow-nodes --count N (--ca-file F --cert-file F --key-file F | --insecure) [options]
        --masters HOST:PORT,...   the masters' API endpoints (default 127.0.0.1:6443)
        --count N                 how many nodes to run
        --prefix NAME             nodes are named NAME-0000, NAME-0001 ... (default hollow)
        --cpu N                   each node's cpu capacity (default 4)
        --memory QUANTITY         each node's memory capacity (default 16Gi)
        --pods N                  each node's pod capacity (default 110)
        --labels K=V,...          labels every node registers with, besides the well-known ones
        --port PORT               the nodes' shared log server, which masters ask for logs (default 0: any)
        --help                    this text
      the nodes share one channel to the masters, authenticated by one client certificate:
      """ + CredentialFlags.USAGE + """
      their shared log server is plaintext (masters ask it for logs only when started with --insecure)
      """;
  private static final Set<String> FLAGS = Set.of("--masters", "--count", "--prefix", "--cpu", "--memory", "--pods",
      "--labels", "--port", "--ca-file", "--cert-file", "--key-file");

  /** Null when the user asked for help; IllegalArgumentException naming what is wrong. */
  static HollowFlags parse(String[] args) {
    Map<String, String> values = CommandLine.parse(args, FLAGS, CredentialFlags.SWITCHES);
    if (values == null) {
      return null;
    }
    if (!values.containsKey("--count")) {
      throw new IllegalArgumentException("--count is required");
    }
    int count = (int) positive(values, "--count", 0);
    int cpus = (int) positive(values, "--cpu", 4);
    int pods = (int) positive(values, "--pods", AgentConfig.DEFAULT_MAX_PODS);
    long memory = Quantity.parse(values.getOrDefault("--memory", "16Gi")).value();
    if (memory <= 0) {
      throw new IllegalArgumentException("--memory " + values.get("--memory") + " is not a positive quantity");
    }
    int port = (int) number(values, "--port", 0);
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("--port " + port + " is not in 0..65535");
    }
    AgentConfig template = AgentConfig.defaults(Endpoints.parse(values.getOrDefault("--masters", "127.0.0.1:6443")),
        "hollow").withMaxPods(pods).withNodeLabels(labels(values.getOrDefault("--labels", "")));
    return new HollowFlags(template, values.getOrDefault("--prefix", "hollow"), count, cpus, memory, port,
        CredentialFlags.parse(values));
  }

  private static long positive(Map<String, String> values, String flag, long otherwise) {
    long value = number(values, flag, otherwise);
    if (value <= 0) {
      throw new IllegalArgumentException(flag + " " + value + " is not positive");
    }
    return value;
  }

  /** "k1=v1,k2=v2" as a map. */
  static Map<String, String> labels(String text) {
    Map<String, String> labels = new HashMap<>();
    for (String pair : text.split(",")) {
      if (pair.isBlank()) {
        continue;
      }
      int eq = pair.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("--labels " + text + ": expected KEY=VALUE, got " + pair);
      }
      labels.put(pair.substring(0, eq).strip(), pair.substring(eq + 1).strip());
    }
    return labels;
  }
}
