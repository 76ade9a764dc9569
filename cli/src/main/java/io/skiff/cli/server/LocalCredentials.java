package io.skiff.cli.server;

import io.skiff.cli.config.CliConfig;
import io.skiff.controlplane.auth.Identity;
import io.skiff.pki.Addresses;
import io.skiff.pki.CertificateAuthority;
import io.skiff.pki.CertificateSpec;
import io.skiff.pki.PkiDirectory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The credentials an all-in-one hands out on its own machine, from the master's CA: the local
 * agent's node certificate (no join token needed: the CA is right here), and a CLI config that
 * reaches the API as the admin.
 */
final class LocalCredentials {
  private static final Logger log = LoggerFactory.getLogger(LocalCredentials.class);
  static final String CONTEXT = "local";
  private static final String ADMIN = "admin";

  private LocalCredentials() {
  }

  /**
   * Issues (or keeps, while still valid for the same names) the node certificate of {@code nodeName}
   * in {@code certDir}, for every address of this machine, and the CA it trusts.
   */
  static void issueNodeCertificate(PkiDirectory masterPki, Path certDir, String nodeName) throws IOException {
    CertificateAuthority ca = masterPki.loadCa();
    PkiDirectory agent = new PkiDirectory(certDir);
    agent.installCa(ca.certificate());
    agent.ensure("node", CertificateSpec.peer(Identity.NODE_PREFIX + nodeName, List.of(Identity.NODES_GROUP),
        Addresses.serverNames(List.of("0.0.0.0")), CertificateSpec.DEFAULT_VALIDITY), ca);
  }

  /**
   * Puts context {@code local} (the API at {@code endpoint}, the admin's certificate) into the CLI
   * config {@code file}, keeping its other contexts, and makes it current.
   */
  static void writeAdminConfig(Path file, String endpoint, PkiDirectory pki) {
    CliConfig config = CliConfig.load(file);
    config.putContext(new CliConfig.Context(CONTEXT, List.of(endpoint), "default",
        pki.caCertificate().toAbsolutePath().toString(), pki.certificate(ADMIN).toAbsolutePath().toString(),
        pki.key(ADMIN).toAbsolutePath().toString(), null, false));
    config.setCurrentContext(CONTEXT);
    config.save(file);
    log.info("wrote the admin's CLI config to {} (context {}): skiff --config {} get nodes", file, CONTEXT, file);
  }
}
