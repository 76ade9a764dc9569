package io.skiff.pki;

import java.time.Duration;
import java.util.List;

/**
 * What a certificate says: who it names (common name and organizations, which Skiff reads as the
 * user and its groups, as Kubernetes does), the names and addresses it is valid for, and what it
 * may be used for.
 *
 * @param subjectAltNames DNS names and IP literals; empty for a client-only certificate
 * @param server may serve TLS (extended key usage serverAuth)
 * @param client may authenticate a client (extended key usage clientAuth)
 */
public record CertificateSpec(
    String commonName,
    List<String> organizations,
    List<String> subjectAltNames,
    boolean server,
    boolean client,
    Duration validity) {

  public static final Duration DEFAULT_VALIDITY = Duration.ofDays(365);

  public CertificateSpec {
    if (commonName == null || commonName.isBlank()) {
      throw new IllegalArgumentException("a certificate needs a common name");
    }
    if (!server && !client) {
      throw new IllegalArgumentException("a certificate must serve, authenticate a client, or both");
    }
    if (validity.isNegative() || validity.isZero()) {
      throw new IllegalArgumentException("validity must be positive, not " + validity);
    }
    organizations = List.copyOf(organizations);
    subjectAltNames = List.copyOf(subjectAltNames);
  }

  /** A client certificate for user {@code name} in {@code groups}. */
  public static CertificateSpec client(String name, List<String> groups, Duration validity) {
    return new CertificateSpec(name, groups, List.of(), false, true, validity);
  }

  /** A certificate that both serves (for {@code sans}) and authenticates as a client, as masters' and nodes' do. */
  public static CertificateSpec peer(String name, List<String> groups, List<String> sans, Duration validity) {
    return new CertificateSpec(name, groups, sans, true, true, validity);
  }
}
