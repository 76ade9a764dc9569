package io.skiff.agent;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Everything an agent needs. Immutable; {@link #defaults} gives the process's defaults and the
 * {@code with...} methods change one setting (tests shorten the timings).
 *
 * @param nodeIp the node's InternalIP; empty to take the address this machine reaches the first master from
 * @param port where the agent's own gRPC service (Logs) listens; 0 for any free port
 * @param backoffInitial the first restart back-off of a crashing container (and of failing image pulls)
 * @param backoffMax where the doubling back-offs stop
 * @param leaseRenewInterval how often the node's Lease is renewed
 * @param nodeStatusInterval how often the node's status (its Ready heartbeat) is written
 * @param resyncInterval how often every pod is synced even without an event (events are the fast path)
 * @param syncWorkers pods synced at once
 * @param requestTimeout deadline of each call to the masters
 * @param maxPods the pods the node says it has room for (its "pods" capacity), as the kubelet's --max-pods
 * @param nodeLabels labels the node is registered with, besides the well-known ones, as the kubelet's --node-labels
 * @param security TLS with the node's certificate (the default), or plaintext
 */
public record AgentConfig(
    List<InetSocketAddress> masters,
    String nodeName,
    String nodeIp,
    int port,
    Path podmanSocket,
    Duration backoffInitial,
    Duration backoffMax,
    Duration leaseRenewInterval,
    int leaseDurationSeconds,
    Duration nodeStatusInterval,
    Duration resyncInterval,
    int syncWorkers,
    Duration requestTimeout,
    int maxPods,
    Map<String, String> nodeLabels,
    AgentSecurity security) {

  public static final int DEFAULT_PORT = 10250;
  public static final Path DEFAULT_PODMAN_SOCKET = Path.of("/run/skiff/podman.sock");
  /** Kubernetes' default cap on pods per node. */
  public static final int DEFAULT_MAX_PODS = 110;

  public AgentConfig {
    masters = List.copyOf(masters);
    nodeLabels = Map.copyOf(nodeLabels);
  }

  public static AgentConfig defaults(List<InetSocketAddress> masters, String nodeName) {
    return new AgentConfig(masters, nodeName, "", DEFAULT_PORT, DEFAULT_PODMAN_SOCKET, Duration.ofSeconds(10),
        Duration.ofMinutes(5), Duration.ofSeconds(10), 40, Duration.ofMinutes(1), Duration.ofSeconds(10), 4,
        Duration.ofSeconds(10), DEFAULT_MAX_PODS, Map.of(),
        AgentSecurity.tls(AgentSecurity.DEFAULT_CERT_DIR));
  }

  public AgentConfig withNodeName(String name) {
    return new AgentConfig(masters, name, nodeIp, port, podmanSocket, backoffInitial, backoffMax, leaseRenewInterval,
        leaseDurationSeconds, nodeStatusInterval, resyncInterval, syncWorkers, requestTimeout, maxPods, nodeLabels,
        security);
  }

  public AgentConfig withNodeIp(String ip) {
    return new AgentConfig(masters, nodeName, ip, port, podmanSocket, backoffInitial, backoffMax, leaseRenewInterval,
        leaseDurationSeconds, nodeStatusInterval, resyncInterval, syncWorkers, requestTimeout,
        maxPods, nodeLabels, security);
  }

  public AgentConfig withPort(int newPort) {
    return new AgentConfig(masters, nodeName, nodeIp, newPort, podmanSocket, backoffInitial, backoffMax,
        leaseRenewInterval, leaseDurationSeconds, nodeStatusInterval, resyncInterval, syncWorkers, requestTimeout,
        maxPods, nodeLabels, security);
  }

  public AgentConfig withPodmanSocket(Path socket) {
    return new AgentConfig(masters, nodeName, nodeIp, port, socket, backoffInitial, backoffMax, leaseRenewInterval,
        leaseDurationSeconds, nodeStatusInterval, resyncInterval, syncWorkers, requestTimeout,
        maxPods, nodeLabels, security);
  }

  public AgentConfig withBackoff(Duration initial, Duration max) {
    return new AgentConfig(masters, nodeName, nodeIp, port, podmanSocket, initial, max, leaseRenewInterval,
        leaseDurationSeconds, nodeStatusInterval, resyncInterval, syncWorkers, requestTimeout,
        maxPods, nodeLabels, security);
  }

  public AgentConfig withIntervals(Duration leaseRenew, Duration nodeStatus, Duration resync) {
    return new AgentConfig(masters, nodeName, nodeIp, port, podmanSocket, backoffInitial, backoffMax, leaseRenew,
        leaseDurationSeconds, nodeStatus, resync, syncWorkers, requestTimeout,
        maxPods, nodeLabels, security);
  }

  public AgentConfig withMaxPods(int pods) {
    return new AgentConfig(masters, nodeName, nodeIp, port, podmanSocket, backoffInitial, backoffMax,
        leaseRenewInterval, leaseDurationSeconds, nodeStatusInterval, resyncInterval, syncWorkers, requestTimeout, pods,
        nodeLabels, security);
  }

  public AgentConfig withNodeLabels(Map<String, String> labels) {
    return new AgentConfig(masters, nodeName, nodeIp, port, podmanSocket, backoffInitial, backoffMax,
        leaseRenewInterval, leaseDurationSeconds, nodeStatusInterval, resyncInterval, syncWorkers, requestTimeout,
        maxPods, labels, security);
  }

  public AgentConfig withSecurity(AgentSecurity newSecurity) {
    return new AgentConfig(masters, nodeName, nodeIp, port, podmanSocket, backoffInitial, backoffMax,
        leaseRenewInterval, leaseDurationSeconds, nodeStatusInterval, resyncInterval, syncWorkers, requestTimeout,
        maxPods, nodeLabels, newSecurity);
  }
}
