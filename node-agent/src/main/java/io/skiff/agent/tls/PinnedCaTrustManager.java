package io.skiff.agent.tls;

import io.skiff.pki.CertificateAuthority;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Trusts a server only when its chain holds a certificate whose public key has the pinned hash
 * (kubeadm's --discovery-token-ca-cert-hash) and the chain verifies up to that certificate, with
 * the usual checks of a CA (signatures, validity, host name): a joining node's trust, before it
 * has the CA file. Pinning, not "trust all": a server that cannot show the pinned CA is refused.
 * Trusts no client. Thread-safe.
 */
public final class PinnedCaTrustManager extends X509ExtendedTrustManager {
  private final String pin;

  /** {@code pin}: "sha256:HEX", as {@link CertificateAuthority#hash(X509Certificate)} gives it. */
  public PinnedCaTrustManager(String pin) {
    this.pin = pin;
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    trustingPinnedCa(chain).checkServerTrusted(chain, authType, engine);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    trustingPinnedCa(chain).checkServerTrusted(chain, authType, socket);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    trustingPinnedCa(chain).checkServerTrusted(chain, authType);
  }

  /** The standard (PKIX) checks with the chain's pinned certificate as the only trust anchor. */
  private X509ExtendedTrustManager trustingPinnedCa(X509Certificate[] chain) throws CertificateException {
    for (X509Certificate certificate : chain) {
      if (CertificateAuthority.hash(certificate).equals(pin)) {
        return trusting(certificate);
      }
    }
    throw new CertificateException("the server's certificate chain holds no CA with the pinned hash " + pin
        + " (is --ca-cert-hash this cluster's?)");
  }

  private static X509ExtendedTrustManager trusting(X509Certificate ca) throws CertificateException {
    try {
      KeyStore anchors = KeyStore.getInstance(KeyStore.getDefaultType());
      anchors.load(null, null);
      anchors.setCertificateEntry("pinned-ca", ca);
      TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(anchors);
      for (TrustManager manager : factory.getTrustManagers()) {
        if (manager instanceof X509ExtendedTrustManager x509) {
          return x509;
        }
      }
      throw new CertificateException("this JVM has no X.509 trust manager");
    } catch (GeneralSecurityException | java.io.IOException e) {
      throw new CertificateException("cannot check the chain against the pinned CA: " + e.getMessage(), e);
    }
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    checkClientTrusted(chain, authType);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    checkClientTrusted(chain, authType);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    throw new CertificateException("a joining node trusts no client");
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return new X509Certificate[0];
  }
}
