package io.skiff.cli.server;

import io.skiff.agent.Agent;
import io.skiff.agent.AgentMain;
import io.skiff.controlplane.master.Master;
import io.skiff.controlplane.master.MasterMain;
import io.skiff.pki.PkiDirectory;
import io.skiff.store.PeerSpec;
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
      String peers, int agentPort, Path podmanSocket, boolean runAgent, boolean join, Path restoreSnapshot,
      Security security, MasterJoin.Ticket joinTicket) {
  }

  /**
   * TLS and credentials: {@code insecure} runs everything in plaintext with no authentication;
   * otherwise the master keeps its PKI in {@code dataDir/pki} (with {@code tlsSans} as extra names),
   * the local agent gets a node certificate from it, and {@code writeConfig} receives a CLI config
   * with the admin credential (null: {@code dataDir/admin.yaml}), as k3s writes k3s.yaml.
   */
  public record Security(boolean insecure, List<String> tlsSans, Path writeConfig) {
    public static Security plaintext() {
      return new Security(true, List.of(), null);
    }
  }

  /** Where the all-in-one keeps the master's PKI, the agent's certificates and the admin's CLI config. */
  static Path pkiDir(Settings s) {
    return s.dataDir().resolve("pki");
  }

  static Path agentCertDir(Settings s) {
    return s.dataDir().resolve("agent").resolve("pki");
  }

  static Path adminConfig(Settings s) {
    return s.security().writeConfig() != null ? s.security().writeConfig() : s.dataDir().resolve("admin.yaml");
  }

  private final Master master;
  private final Agent agent;

  private AllInOne(Master master, Agent agent) {
    this.master = master;
    this.agent = agent;
  }

  /** Starts the master, then (unless disabled) the agent; on failure stops what was started. */
  public static AllInOne start(Settings settings) throws IOException, InterruptedException {
    if (settings.joinTicket() != null) {
      // the CA first (the master issues its own certificates from it), then add ourselves while the peer waits
      PeerSpec self = self(settings);
      PkiDirectory pki = new PkiDirectory(pkiDir(settings));
      MasterJoin.fetchCa(settings.joinTicket(), self.id(), List.of(PeerSpec.host(settings.apiAddress()),
          PeerSpec.host(self.raftAddress()), PeerSpec.host(self.clientAddress())), pki);
      MasterJoin.addSelf(settings.joinTicket(), self, pki);
    }
    Master master = MasterMain.launch(masterArgs(settings).toArray(String[]::new));
    try {
      if (!settings.security().insecure()) {
        PkiDirectory pki = master.pki().orElseThrow();
        LocalCredentials.writeAdminConfig(adminConfig(settings), localEndpoint(settings.apiAddress()), pki);
        if (settings.runAgent()) {
          LocalCredentials.issueNodeCertificate(pki, agentCertDir(settings), settings.nodeName());
        }
      }
      if (!settings.runAgent()) {
        return new AllInOne(master, null);
      }
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

  /** This master's store peer, as --peers names it. */
  static PeerSpec self(Settings s) {
    return PeerSpec.parseList(peers(s)).stream().filter(p -> p.id().equals(s.nodeName())).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("--peers does not name this master, " + s.nodeName()));
  }

  private static String peers(Settings s) {
    return s.peers() != null ? s.peers() : s.nodeName() + "=" + s.raftAddress() + "/" + s.storeAddress();
  }

  /** The master's flags: named after the node; a store of one peer unless {@code peers} names them all. */
  static List<String> masterArgs(Settings s) {
    List<String> args = new ArrayList<>(List.of("--id", s.nodeName(),
        "--peers", peers(s),
        "--data-dir", s.dataDir().resolve("store").toString(),
        "--api-address", s.apiAddress()));
    if (s.security().insecure()) {
      args.add("--insecure");
    } else {
      args.addAll(List.of("--pki-dir", pkiDir(s).toString()));
      if (!s.security().tlsSans().isEmpty()) {
        args.addAll(List.of("--tls-san", String.join(",", s.security().tlsSans())));
      }
    }
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
    AgentSecurityArgs security = s.security().insecure() ? AgentSecurityArgs.plaintext()
        : new AgentSecurityArgs(false, agentCertDir(s), null, null);
    return agentArgs(localEndpoint(s.apiAddress()), s.nodeName(), null, s.agentPort(), s.podmanSocket(), security);
  }

  /**
   * An agent's TLS choices, as its flags take them: plaintext, or a certificate directory (filled
   * on first start by joining with {@code token} pinned to {@code caCertHash}, when given).
   */
  record AgentSecurityArgs(boolean insecure, Path certDir, String token, String caCertHash) {
    static AgentSecurityArgs plaintext() {
      return new AgentSecurityArgs(true, null, null, null);
    }

    List<String> flags() {
      List<String> flags = new ArrayList<>();
      if (insecure) {
        flags.add("--insecure");
      }
      if (certDir != null) {
        flags.addAll(List.of("--cert-dir", certDir.toString()));
      }
      if (token != null) {
        flags.addAll(List.of("--token", token));
      }
      if (caCertHash != null) {
        flags.addAll(List.of("--ca-cert-hash", caCertHash));
      }
      return flags;
    }
  }

  /** An agent's flags, as {@code skiff server} and {@code skiff agent} give them; null leaves the agent's default. */
  static List<String> agentArgs(String masters, String nodeName, String nodeIp, int port, Path podmanSocket,
      AgentSecurityArgs security) {
    List<String> args = new ArrayList<>(List.of("--masters", masters, "--port", Integer.toString(port)));
    args.addAll(security.flags());
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
