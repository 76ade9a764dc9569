package io.skiff.client;

import io.skiff.pki.TlsFiles;

/**
 * How a client proves who it is and checks who the masters are: TLS files (the CA it trusts, and
 * its own certificate when it authenticates with one) and an optional bearer token, sent over TLS
 * only. Every caller of {@link MasterChannels} chooses one; plaintext is {@link #insecure()}, for
 * masters started with --insecure. Immutable. The token never appears in {@link #toString()}.
 *
 * @param tls null for plaintext
 * @param bearerToken "ID.SECRET", or null
 */
public record Credentials(TlsFiles tls, String bearerToken) {

  public Credentials {
    if (bearerToken != null && bearerToken.isBlank()) {
      bearerToken = null;
    }
  }

  /** Plaintext, no credentials: only for masters started with --insecure. */
  public static Credentials insecure() {
    return new Credentials(null, null);
  }

  /** TLS trusting {@code files}' CA, presenting its certificate when it has one. */
  public static Credentials tls(TlsFiles files) {
    if (files == null) {
      throw new IllegalArgumentException("TLS credentials need TLS files (at least the CA certificate)");
    }
    return new Credentials(files, null);
  }

  /** These credentials, sending {@code token} ("ID.SECRET") as a bearer token too. */
  public Credentials withToken(String token) {
    return new Credentials(tls, token);
  }

  public boolean isInsecure() {
    return tls == null;
  }

  @Override
  public String toString() {
    return (tls == null ? "plaintext" : "tls(" + tls + ")") + (bearerToken == null ? "" : " with a bearer token");
  }
}
