package io.skiff.cli;

import io.skiff.cli.config.CliConfig;
import io.skiff.client.Credentials;
import io.skiff.pki.TlsFiles;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Which credentials a run uses: the root flags (--ca-file, --cert-file, --key-file, --token,
 * --insecure) over the context's (certificate-authority, client-certificate, client-key, token,
 * insecure), each setting on its own. TLS unless insecure, and then no CA is a mistake worth a
 * clear message. Messages never hold a token.
 *
 * @param insecure the --insecure flag: null when not given
 * @param context the context in use, or null
 * @param configDir the config file's directory, against which the context's relative paths resolve
 */
public record CredentialChoice(Path caFile, Path certFile, Path keyFile, String token, Boolean insecure,
    CliConfig.Context context, Path configDir) {

  /** The credentials; CliException saying how to fix the flags or the context when they do not add up. */
  public Credentials credentials(String endpoints) {
    boolean tlsFlags = caFile != null || certFile != null || keyFile != null;
    if (Boolean.TRUE.equals(insecure) && tlsFlags) {
      throw new CliException("--insecure excludes --ca-file, --cert-file and --key-file");
    }
    // a TLS flag overrides the context's insecure: true, as --insecure overrides its certificates
    boolean plaintext = insecure != null ? insecure : !tlsFlags && context != null && context.insecure();
    String bearer = token != null ? token : context == null ? null : context.token();
    if (plaintext) {
      if (bearer != null && !bearer.isEmpty()) {
        throw new CliException("a bearer token is sent over TLS only: drop the token, or connect with TLS (the "
            + "cluster's CA with --ca-file, or the context's certificate-authority, and no insecure)");
      }
      return Credentials.insecure();
    }
    Path ca = caFile != null ? caFile : fromContext(context == null ? null : context.certificateAuthority());
    if (ca == null) {
      throw new CliException(noCaMessage(endpoints));
    }
    Path cert = certFile != null ? certFile : fromContext(context == null ? null : context.clientCertificate());
    Path key = keyFile != null ? keyFile : fromContext(context == null ? null : context.clientKey());
    if ((cert == null) != (key == null)) {
      throw new CliException(cert == null ? "a client key (" + key + ") but no client certificate: give "
          + "--cert-file, or the context's client-certificate" : "a client certificate (" + cert + ") but no "
          + "client key: give --key-file, or the context's client-key");
    }
    try {
      return Credentials.tls(new TlsFiles(cert, key, ca).checked()).withToken(bearer);
    } catch (IOException e) {
      throw new CliException(e.getMessage());
    }
  }

  private Path fromContext(String file) {
    return CliConfig.Context.resolve(configDir, file);
  }

  private String noCaMessage(String endpoints) {
    if (context != null) {
      return "context \"" + context.name() + "\" names no certificate-authority to check the masters with: "
          + "`skiff config set-context " + context.name() + " --certificate-authority=FILE` (the cluster's "
          + "ca.crt), or `skiff config set-context " + context.name() + " --insecure` for masters started with "
          + "--insecure";
    }
    return "no certificate authority to check the masters (" + endpoints + ") with: give --ca-file FILE (the "
        + "cluster's ca.crt) or use a context that names one (`skiff config set-context --help`), or --insecure "
        + "for masters started with --insecure";
  }
}
