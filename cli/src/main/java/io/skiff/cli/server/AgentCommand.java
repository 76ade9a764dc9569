package io.skiff.cli.server;

import io.skiff.agent.Agent;
import io.skiff.agent.AgentMain;
import io.skiff.cli.CliException;
import io.skiff.cli.SkiffCommand;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code skiff agent}: this machine's node agent, joining masters elsewhere (like k3s agent). */
@Command(name = "agent", header = "Run this machine's node agent for the given masters.",
    description = {"", "Registers this machine as a Node, keeps its Lease, and runs the pods bound to it through "
        + "Podman, in the foreground until SIGTERM or Ctrl-C. Stopping it leaves the containers running; started "
        + "again it adopts them.", "", "Podman's API service must run on --podman-socket (scripts/podman-setup.sh "
        + "starts it).", "", "On first start it joins with --token ID.SECRET (a join-agent token: skiff token create "
        + "--purpose join-agent) and --ca-cert-hash, and keeps its certificate in --cert-dir; --insecure for masters "
        + "that run --insecure."},
    footerHeading = "%nExamples:%n", footer = {"  skiff agent --masters 10.0.0.1:6443,10.0.0.2:6443,10.0.0.3:6443 --token ID.SECRET "
        + "--ca-cert-hash sha256:HEX"})
public final class AgentCommand implements Callable<Integer> {
  @Option(names = "--masters", paramLabel = "HOST:PORT,...", required = true,
      description = "The masters' API endpoints.")
  String masters;

  @Option(names = "--node-name", paramLabel = "NAME",
      description = "This node's name (default: the hostname, lower-cased).")
  String nodeName;

  @Option(names = "--node-ip", paramLabel = "IP",
      description = "This node's InternalIP (default: the address that reaches the first master).")
  String nodeIp;

  @Option(names = "--port", paramLabel = "PORT", defaultValue = "10250",
      description = "Where the masters fetch logs (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--podman-socket", paramLabel = "PATH",
      description = "Podman's API socket (default: /run/skiff/podman.sock).")
  Path podmanSocket;

  @Option(names = "--cert-dir", paramLabel = "DIR",
      description = "The node's certificates: ca.crt, node.crt, node.key (default: /var/lib/skiff/agent/pki).")
  Path certDir;

  /** skiff's own --insecure and --token, which mean here: plaintext; join with this join-agent token. */
  @ParentCommand
  SkiffCommand root;

  @Option(names = "--ca-cert-hash", paramLabel = "sha256:HEX",
      description = "With --token: the cluster CA's hash, printed by skiff token create; the join trusts only it.")
  String caCertHash;

  @Override
  public Integer call() throws Exception {
    List<String> args = AllInOne.agentArgs(masters, nodeName, nodeIp, port, podmanSocket,
        new AllInOne.AgentSecurityArgs(Boolean.TRUE.equals(root.insecureFlag()),
            certDir == null ? null : certDir.toAbsolutePath(), root.tokenFlag(), caCertHash));
    Agent agent;
    try {
      agent = AgentMain.launch(args.toArray(String[]::new));
    } catch (IOException | RuntimeException e) { // bad flags, port taken, Podman not answering
      throw new CliException("agent: " + e.getMessage(), e);
    }
    return Foreground.run(agent, "skiff agent: running on port " + agent.port() + " for masters " + masters);
  }
}
