package io.skiff.agent.tls;

import io.skiff.agent.AgentConfig;
import io.skiff.agent.AgentSecurity;
import io.skiff.pki.PkiDirectory;
import java.io.IOException;
import java.nio.file.Files;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What an agent does about its certificate before it starts: nothing when insecure (but warn);
 * use the files in its cert dir when they are there; else join with its token. Runs once, in the
 * agent's main, before anything calls the masters.
 */
public final class NodeCertificates {
  private static final Logger log = LoggerFactory.getLogger(NodeCertificates.class);

  private NodeCertificates() {
  }

  /**
   * Makes sure the node's files exist. {@code nodeIp} and {@code hostname} go into the certificate
   * (with 127.0.0.1) when joining. IllegalStateException when there are no files and no token;
   * IOException when joining fails.
   */
  public static void ensure(AgentConfig config, String nodeIp, String hostname) throws IOException {
    AgentSecurity security = config.security();
    if (security.insecure()) {
      log.warn("--insecure: the agent talks to the masters in plaintext, and serves its logs port in plaintext "
          + "to anyone");
      return;
    }
    PkiDirectory dir = security.directory();
    if (present(dir)) {
      log.info("node certificate {}", dir.certificate(AgentSecurity.NODE_FILES));
      return;
    }
    if (security.joinToken() == null) {
      throw new IllegalStateException("no node certificate in " + dir.dir() + " (ca.crt, node.crt, node.key): "
          + "give --token and --ca-cert-hash to join (`skiff token create --purpose join-agent` prints them), "
          + "or --insecure for masters started with --insecure");
    }
    Set<String> addresses = new LinkedHashSet<>();
    addresses.add(nodeIp);
    if (hostname != null && !hostname.isEmpty()) {
      addresses.add(hostname);
    }
    addresses.add("127.0.0.1");
    new NodeJoiner(config.masters(), config.requestTimeout()).join(security.joinToken(), security.caCertHash(),
        config.nodeName(), List.copyOf(addresses), dir, AgentSecurity.NODE_FILES);
  }

  private static boolean present(PkiDirectory dir) {
    return Files.exists(dir.caCertificate()) && Files.exists(dir.certificate(AgentSecurity.NODE_FILES))
        && Files.exists(dir.key(AgentSecurity.NODE_FILES));
  }
}
