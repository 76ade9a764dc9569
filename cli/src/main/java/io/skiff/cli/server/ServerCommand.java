package io.skiff.cli.server;

import io.skiff.agent.node.MachineInfo;
import io.skiff.cli.CliException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code skiff server}: runs the all-in-one cluster in the foreground until SIGTERM or Ctrl-C. */
@Command(name = "server", header = "Run an all-in-one cluster: a master and this machine's node agent.",
    description = {"", "Like k3s server: one master (a single-peer store, the API, the scheduler and the controllers) "
        + "and a node agent that runs pods through Podman, in one process, in the foreground until SIGTERM or "
        + "Ctrl-C. Stopping it leaves the containers running; started again on the same --data-dir it is the same "
        + "cluster and the agent adopts them. By default the store's etcd-compatible port listens on loopback only.",
        "", "Podman's API service must run on --podman-socket (scripts/podman-setup.sh starts it)."},
    footerHeading = "%nExamples:%n", footer = {"  skiff server --data-dir /var/lib/skiff",
        "  skiff server --data-dir /tmp/skiff --api-address 127.0.0.1:6443 --disable-agent",
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

  @Override
  public Integer call() throws Exception {
    AllInOne.Settings settings = new AllInOne.Settings(dataDir.toAbsolutePath(), nodeName(), apiAddress,
        storeAddress, raftAddress, peers, agentPort, podmanSocket, !disableAgent);
    AllInOne server;
    try {
      server = AllInOne.start(settings);
    } catch (IOException | RuntimeException e) { // bad flags, ports taken, Podman not answering
      throw new CliException("server: " + e.getMessage(), e);
    }
    return Foreground.run(server, String.format("skiff server: node %s ready, API on %s%s", settings.nodeName(),
        apiAddress, disableAgent ? " (no agent)" : ", agent on port " + agentPort));
  }

  /** The agent's own default, so the node keeps its name whether it runs here or alone. */
  private String nodeName() {
    return (nodeName != null ? nodeName : MachineInfo.read().hostname()).toLowerCase(Locale.ROOT);
  }
}
