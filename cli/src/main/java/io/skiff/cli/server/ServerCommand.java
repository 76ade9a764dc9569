package io.skiff.cli.server;

import io.skiff.agent.node.MachineInfo;
import io.skiff.cli.CliException;
import io.skiff.cli.SkiffCommand;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code skiff server}: runs the all-in-one cluster in the foreground until SIGTERM or Ctrl-C. */
@Command(name = "server", header = "Run an all-in-one cluster: a master and this machine's node agent.",
    description = {"", "Like k3s server: one master (a single-peer store, the API, the scheduler and the controllers) "
        + "and a node agent that runs pods through Podman, in one process, in the foreground until SIGTERM or "
        + "Ctrl-C. Stopping it leaves the containers running; started again on the same --data-dir it is the same "
        + "cluster and the agent adopts them. By default the store's etcd-compatible port listens on loopback only.",
        "", "Secure by default: the master creates the cluster CA and certificates in DATA_DIR/pki, serves TLS "
        + "everywhere, and writes the admin's CLI config to DATA_DIR/admin.yaml. --insecure runs plaintext with no "
        + "authentication (every caller is cluster-admin; the server warns at start). With --join, --token ID.SECRET "
        + "(a join-master token), --ca-cert-hash and --server MASTERS join a running cluster: the new master fetches "
        + "the cluster CA and adds itself.",
        "", "Podman's API service must run on --podman-socket (scripts/podman-setup.sh starts it)."},
    footerHeading = "%nExamples:%n", footer = {"  skiff server --data-dir /var/lib/skiff",
        "  skiff server --data-dir /tmp/skiff --api-address 127.0.0.1:6443 --disable-agent",
        "  # a fourth master joining a running cluster (the token from skiff token create --purpose join-master):",
        "  skiff server --node-name m4 --join --token ID.SECRET --ca-cert-hash sha256:HEX --server 10.0.0.1:6443 \\",
        "    --raft-address 10.0.0.4:2380 --store-address 10.0.0.4:2379 --disable-agent",
        "  # one of three masters, on machine 10.0.0.1 (the same on 10.0.0.2 and 10.0.0.3 with their --node-name):",
        "  skiff server --node-name m1 --peers m1=10.0.0.1:2380/10.0.0.1:2379,m2=10.0.0.2:2380/10.0.0.2:2379,"
            + "m3=10.0.0.3:2380/10.0.0.3:2379"})
public final class ServerCommand implements Callable<Integer> {
  @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "/var/lib/skiff",
      description = "Where the store keeps its data (default: ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(names = "--node-name", paramLabel = "NAME",
      description = "This node's name, also the master's id (default: the hostname, lower-cased).")
  String nodeName;

  @Option(names = "--api-address", paramLabel = "HOST:PORT", defaultValue = "0.0.0.0:6443",
      description = "Where the Skiff API listens (default: ${DEFAULT-VALUE}).")
  String apiAddress;

  @Option(names = "--store-address", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:2379",
      description = "Where the store's etcd v3 API listens (default: ${DEFAULT-VALUE}).")
  String storeAddress;

  @Option(names = "--raft-address", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:2380",
      description = "The store's Raft port; a single master only listens (default: ${DEFAULT-VALUE}).")
  String raftAddress;

  @Option(names = "--peers", paramLabel = "ID=RAFT/STORE,...",
      description = "Every master of an HA cluster: id=raftHost:port/storeHost:port, this one named by --node-name; "
          + "replaces --raft-address and --store-address (default: this master alone).")
  String peers;

  @Option(names = "--agent-port", paramLabel = "PORT", defaultValue = "10250",
      description = "The agent's port, where the master fetches logs (default: ${DEFAULT-VALUE}).")
  int agentPort;

  @Option(names = "--podman-socket", paramLabel = "PATH",
      description = "Podman's API socket (default: /run/skiff/podman.sock).")
  Path podmanSocket;

  @Option(names = "--disable-agent", description = "Run the master only; agents of other machines join it.")
  boolean disableAgent;

  @Option(names = "--join", description = "Start as a new master of a running cluster, with no data, and wait to be "
      + "added (skiff cluster add-member); --peers then names only this master.")
  boolean join;

  @Option(names = "--restore-snapshot", paramLabel = "FILE", description = "Start a new cluster from a backup "
      + "(skiff cluster snapshot save), only into an empty --data-dir; every master restores the same file.")
  Path restoreSnapshot;

  @Option(names = "--tls-san", paramLabel = "NAME", split = ",",
      description = "More names or addresses the master's certificate is valid for (a load balancer, a DNS name).")
  List<String> tlsSans = new ArrayList<>();

  @Option(names = "--write-config", paramLabel = "FILE",
      description = "Where to write the admin's CLI config, context \"local\" (default: DATA_DIR/admin.yaml; "
          + "use it with skiff --config FILE or SKIFF_CONFIG=FILE).")
  Path writeConfig;

  @Option(names = "--ca-cert-hash", paramLabel = "sha256:HEX",
      description = "With --token: the cluster CA's hash, printed by skiff token create; the join trusts only it.")
  String caCertHash;

  /** skiff's own --insecure, --token and --server, which mean here: run plaintext; join with this token through these masters. */
  @ParentCommand
  SkiffCommand root;

  @Override
  public Integer call() throws Exception {
    boolean insecure = Boolean.TRUE.equals(root.insecureFlag());
    AllInOne.Settings settings = new AllInOne.Settings(dataDir.toAbsolutePath(), nodeName(), apiAddress,
        storeAddress, raftAddress, peers, agentPort, podmanSocket, !disableAgent, join,
        restoreSnapshot == null ? null : restoreSnapshot.toAbsolutePath(),
        new AllInOne.Security(insecure, tlsSans, writeConfig == null ? null : writeConfig.toAbsolutePath()),
        joinTicket(insecure));
    AllInOne server;
    try {
      server = AllInOne.start(settings);
    } catch (IOException | RuntimeException e) { // bad flags, ports taken, Podman not answering
      throw new CliException("server: " + e.getMessage(), e);
    }
    return Foreground.run(server, String.format("skiff server: node %s ready, API on %s%s", settings.nodeName(),
        apiAddress, disableAgent ? " (no agent)" : ", agent on port " + agentPort));
  }

  private MasterJoin.Ticket joinTicket(boolean insecure) {
    String token = root.tokenFlag();
    String server = root.serverFlag();
    if (token == null && caCertHash == null && server == null) {
      return null;
    }
    if (token == null || caCertHash == null || server == null || !join) {
      throw new CliException("server: joining with a token takes --join, --token, --ca-cert-hash and --server together");
    }
    if (insecure) {
      throw new CliException("server: --insecure cannot join with a token: joining fetches the cluster CA over TLS");
    }
    return new MasterJoin.Ticket(server, token, caCertHash);
  }

  /** The agent's own default, so the node keeps its name whether it runs here or alone. */
  private String nodeName() {
    return (nodeName != null ? nodeName : MachineInfo.read().hostname()).toLowerCase(Locale.ROOT);
  }
}
