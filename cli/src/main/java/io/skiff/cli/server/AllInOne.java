package io.skiff.cli.server;

import io.skiff.agent.Agent;
import io.skiff.agent.AgentMain;
import io.skiff.controlplane.master.Master;
import io.skiff.controlplane.master.MasterMain;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The all-in-one cluster, like {@code k3s server}: one master (a single-peer store, the API, the
 * scheduler and the controllers) and the node agent of this machine, in one process; or, given
 * every master's peer addresses, one master of an HA cluster with its machine's agent. Each is
 * started from the same flags its own process takes, so the all-in-one is exactly a master plus
 * an agent; the agent reaches the master through its API port as any agent does.
 *
 * <p>The store's data lives in {@code dataDir/store}: a restart on the same directory is the same
 * cluster. Containers outlive the process, as they outlive an agent; the restarted agent adopts them.
 */
public final class AllInOne implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AllInOne.class);

  /**
   * What a user chooses; everything else is the master's and the agent's defaults. {@code join} and
   * {@code restoreSnapshot} (null for none) are the master's {@code --join} and {@code --restore-snapshot}.
   */
  public record Settings(Path dataDir, String nodeName, String apiAddress, String storeAddress, String raftAddress,
      String peers, int agentPort, Path podmanSocket, boolean runAgent, boolean join, Path restoreSnapshot) {
  }

  private final Master master;
  private final Agent agent;

  private AllInOne(Master master, Agent agent) {
    this.master = master;
    this.agent = agent;
  }

  /** Starts the master, then (unless disabled) the agent; on failure stops what was started. */
  public static AllInOne start(Settings settings) throws IOException, InterruptedException {
    Master master = MasterMain.launch(masterArgs(settings).toArray(String[]::new));
    if (!settings.runAgent()) {
      return new AllInOne(master, null);
    }
    try {
      return new AllInOne(master, AgentMain.launch(agentArgs(settings).toArray(String[]::new)));
    } catch (IOException | RuntimeException e) {
      try {
        master.close();
      } catch (Exception closing) {
        e.addSuppressed(closing);
      }
      throw e;
    }
  }

  /** The master's flags: named after the node; a store of one peer unless {@code peers} names them all. */
  static List<String> masterArgs(Settings s) {
    List<String> args = new ArrayList<>(List.of("--id", s.nodeName(),
        "--peers", s.peers() != null ? s.peers() : s.nodeName() + "=" + s.raftAddress() + "/" + s.storeAddress(),
        "--data-dir", s.dataDir().resolve("store").toString(),
        "--api-address", s.apiAddress()));
    if (s.join()) {
      args.add("--join");
    }
    if (s.restoreSnapshot() != null) {
      args.addAll(List.of("--restore-snapshot", s.restoreSnapshot().toString()));
    }
    return args;
  }

  /** The agent's flags: its master is this process's API port, on loopback when it listens everywhere. */
  static List<String> agentArgs(Settings s) {
    return agentArgs(localEndpoint(s.apiAddress()), s.nodeName(), null, s.agentPort(), s.podmanSocket());
  }

  /** An agent's flags, as {@code skiff server} and {@code skiff agent} give them; null leaves the agent's default. */
  static List<String> agentArgs(String masters, String nodeName, String nodeIp, int port, Path podmanSocket) {
    List<String> args = new ArrayList<>(List.of("--masters", masters, "--port", Integer.toString(port)));
    if (nodeName != null) {
      args.addAll(List.of("--node-name", nodeName));
    }
    if (nodeIp != null) {
      args.addAll(List.of("--node-ip", nodeIp));
    }
    if (podmanSocket != null) {
      args.addAll(List.of("--podman-socket", podmanSocket.toString()));
    }
    return args;
  }

  private static String localEndpoint(String apiAddress) {
    int colon = apiAddress.lastIndexOf(':');
    String host = apiAddress.substring(0, colon);
    boolean any = host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]") || host.isEmpty();
    return (any ? "127.0.0.1" : host) + apiAddress.substring(colon);
  }

  /** Stops the agent first (its containers keep running), then the master. */
  @Override
  public void close() throws Exception {
    try {
      if (agent != null) {
        agent.close();
      }
    } finally {
      master.close();
      log.info("all-in-one stopped");
    }
  }
}
