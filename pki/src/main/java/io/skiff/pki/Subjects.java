package io.skiff.pki;

import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;

/** Who a certificate names: its common name (a user) and organizations (its groups), as Kubernetes reads them. */
public final class Subjects {
  private Subjects() {
  }

  public static String commonName(X509Certificate certificate) {
    List<String> names = attribute(certificate, BCStyle.CN);
    return names.isEmpty() ? "" : names.get(0);
  }

  public static List<String> organizations(X509Certificate certificate) {
    return attribute(certificate, BCStyle.O);
  }

  private static List<String> attribute(X509Certificate certificate, ASN1ObjectIdentifier type) {
    X500Name name = X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded());
    return java.util.Arrays.stream(name.getRDNs(type))
        .map(RDN::getFirst)
        .map(value -> IETFUtils.valueToString(value.getValue()))
        .toList();
  }

  /** The verified certificate the peer of a TLS session presented, if it presented one. */
  public static Optional<X509Certificate> peer(SSLSession session) {
    if (session == null) {
      return Optional.empty();
    }
    try {
      Certificate[] chain = session.getPeerCertificates();
      return chain.length > 0 && chain[0] instanceof X509Certificate x509 ? Optional.of(x509) : Optional.empty();
    } catch (SSLPeerUnverifiedException e) {
      return Optional.empty();
    }
  }
}
