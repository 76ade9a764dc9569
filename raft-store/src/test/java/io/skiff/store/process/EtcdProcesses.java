package io.skiff.store.process;

import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * A real etcd 3.4 cluster: the reference that tests are validated against before they judge the Skiff
 * store. The binary is {@code etcd} on the PATH (Debian package etcd-server) unless the system property
 * {@code etcd.binary} names another.
 */
public final class EtcdProcesses extends LocalProcessCluster {

  /** Keeps members of concurrently running test clusters from ever joining each other. */
  private final String clusterToken = "skiff-test-" + UUID.randomUUID();

  public EtcdProcesses() {
    super("etcd-cluster-");
  }

  @Override
  List<String> command(Member member, List<Member> all) {
    String initialCluster = all.stream()
        .map(m -> m.name + "=" + peerUrl(m))
        .collect(Collectors.joining(","));
    String clientUrl = "http://" + member.clientEndpoint();
    return List.of(
        System.getProperty("etcd.binary", "etcd"),
        "--name", member.name,
        "--data-dir", member.dataDir.toString(),
        "--listen-client-urls", clientUrl,
        "--advertise-client-urls", clientUrl,
        "--listen-peer-urls", peerUrl(member),
        "--initial-advertise-peer-urls", peerUrl(member),
        "--initial-cluster", initialCluster,
        "--initial-cluster-state", "new",
        "--initial-cluster-token", clusterToken,
        // zap to stderr: 3.4's default logger prints deprecation noise and may log elsewhere
        "--logger", "zap",
        "--log-outputs", "stderr");
  }

  private static String peerUrl(Member member) {
    return "http://" + HOST + ":" + member.peerPort;
  }
}
