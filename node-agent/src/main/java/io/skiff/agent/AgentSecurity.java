package io.skiff.agent;

import io.skiff.client.Credentials;
import io.skiff.pki.PkiDirectory;
import io.skiff.pki.TlsFiles;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * How an agent talks to the masters and serves its logs: TLS with the node's certificate from its
 * cert dir (ca.crt, node.crt, node.key), which a join token gets on first start; or plaintext,
 * when started with --insecure. Immutable; {@link #toString()} never shows the token's secret.
 *
 * @param insecure plaintext both ways, no certificates
 * @param certDir where the node's certificate, key and the cluster CA are kept
 * @param joinToken "ID.SECRET" of a join-agent token, or null
 * @param caCertHash "sha256:HEX" of the cluster CA's public key, the pin for joining; null without a token
 */
public record AgentSecurity(boolean insecure, Path certDir, String joinToken, String caCertHash) {
  public static final Path DEFAULT_CERT_DIR = Path.of("/var/lib/skiff/agent/pki");
  /** The name of the node's files in the cert dir: node.crt, node.key. */
  public static final String NODE_FILES = "node";
  private static final Pattern TOKEN = Pattern.compile("[a-z0-9]{6}\\.[a-z0-9]{32}");
  private static final Pattern HASH = Pattern.compile("sha256:[0-9a-f]{64}");

  public AgentSecurity {
    if (insecure && joinToken != null) {
      throw new IllegalArgumentException("--insecure and --token exclude each other: a join token gets a "
          + "certificate for TLS");
    }
    if ((joinToken == null) != (caCertHash == null)) {
      throw new IllegalArgumentException("--token and --ca-cert-hash go together: joining needs the token and "
          + "the pin of the cluster CA that `skiff token create --purpose join-agent` prints");
    }
    if (joinToken != null && !TOKEN.matcher(joinToken).matches()) {
      throw new IllegalArgumentException("--token: expected ID.SECRET (6 and 32 characters of [a-z0-9])");
    }
    if (caCertHash != null && !HASH.matcher(caCertHash).matches()) {
      throw new IllegalArgumentException("--ca-cert-hash: expected sha256: and 64 hex digits, got " + caCertHash);
    }
  }

  /** Plaintext, as a master started with --insecure takes. */
  public static AgentSecurity plaintext() {
    return new AgentSecurity(true, DEFAULT_CERT_DIR, null, null);
  }

  /** TLS with the node files in {@code certDir} (which must exist by start: see {@code NodeCertificates}). */
  public static AgentSecurity tls(Path certDir) {
    return new AgentSecurity(false, certDir, null, null);
  }

  public PkiDirectory directory() {
    return new PkiDirectory(certDir);
  }

  /** The node's certificate and key, trusting the cluster CA. */
  public TlsFiles nodeFiles() {
    return directory().files(NODE_FILES);
  }

  /** How the agent calls the masters. */
  public Credentials credentials() {
    return insecure ? Credentials.insecure() : Credentials.tls(nodeFiles());
  }

  @Override
  public String toString() {
    return insecure ? "insecure" : "tls(" + certDir + (joinToken == null ? "" : ", joining with token "
        + joinToken.substring(0, joinToken.indexOf('.'))) + ")";
  }
}
