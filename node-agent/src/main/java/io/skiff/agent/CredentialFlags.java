package io.skiff.agent;

import io.skiff.client.Credentials;
import io.skiff.pki.TlsFiles;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * The client credential of the tools that call the masters as one user (hollow nodes, the pod
 * benchmark): {@code --ca-file} and a client certificate ({@code --cert-file}, {@code --key-file};
 * an admin's, as the tools act for many nodes), or {@code --insecure}.
 */
public final class CredentialFlags {
  public static final Set<String> FLAGS = Set.of("--ca-file", "--cert-file", "--key-file");
  public static final Set<String> SWITCHES = Set.of("--insecure");
  public static final String USAGE = """
        --ca-file FILE            the cluster CA (its ca.crt), to check the masters' certificates
        --cert-file FILE          a client certificate (an admin's: O system:masters) ...
        --key-file FILE           ... and its key
        --insecure                plaintext, for masters started with --insecure
      """;

  private CredentialFlags() {
  }

  /** IllegalArgumentException when the flags choose neither or both, or a half of a pair is missing. */
  public static Credentials parse(Map<String, String> values) {
    boolean insecure = CommandLine.isSet(values, "--insecure");
    boolean tls = FLAGS.stream().anyMatch(values::containsKey);
    if (insecure && tls) {
      throw new IllegalArgumentException("--insecure excludes --ca-file, --cert-file and --key-file");
    }
    if (insecure) {
      return Credentials.insecure();
    }
    if (!values.containsKey("--ca-file")) {
      throw new IllegalArgumentException("give --ca-file with --cert-file and --key-file (an admin certificate), or "
          + "--insecure for masters started with --insecure");
    }
    if (!values.containsKey("--cert-file") || !values.containsKey("--key-file")) {
      throw new IllegalArgumentException("--cert-file and --key-file go together: the masters take these tools' "
          + "calls with a client certificate");
    }
    return Credentials.tls(new TlsFiles(Path.of(values.get("--cert-file")), Path.of(values.get("--key-file")),
        Path.of(values.get("--ca-file"))));
  }
}
