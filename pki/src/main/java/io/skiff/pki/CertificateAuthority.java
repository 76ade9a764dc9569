package io.skiff.pki;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/**
 * The cluster's certificate authority: a self-signed CA certificate and its key, which issue every
 * serving and client certificate of the cluster. Issuing takes the subject's public key only, so a
 * key made on a node (sent as a certificate signing request) never leaves it. Thread-safe.
 */
public final class CertificateAuthority {
  public static final Duration CA_VALIDITY = Duration.ofDays(3650);
  /** Certificates start a little in the past, so a peer whose clock lags does not reject them. */
  private static final Duration BACKDATE = Duration.ofMinutes(5);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final X509Certificate certificate;
  private final PrivateKey key;

  public CertificateAuthority(X509Certificate certificate, PrivateKey key) {
    this.certificate = certificate;
    this.key = key;
  }

  /** A new CA named {@code commonName}, valid ten years. */
  public static CertificateAuthority create(String commonName) {
    KeyPair pair = KeyPairs.generate();
    X500Name name = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, commonName).build();
    Instant now = Instant.now();
    try {
      JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, serial(),
          Date.from(now.minus(BACKDATE)), Date.from(now.plus(CA_VALIDITY)), name, pair.getPublic())
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign
              | KeyUsage.digitalSignature))
          .addExtension(Extension.subjectKeyIdentifier, false,
              extensions.createSubjectKeyIdentifier(pair.getPublic()));
      return new CertificateAuthority(sign(builder, pair.getPrivate()), pair.getPrivate());
    } catch (CertIOException | NoSuchAlgorithmException e) {
      throw new IllegalStateException("cannot build the CA certificate", e);
    }
  }

  public static CertificateAuthority load(Path certificate, Path key) throws IOException {
    return new CertificateAuthority(Pem.readCertificate(certificate), Pem.readPrivateKey(key));
  }

  public X509Certificate certificate() {
    return certificate;
  }

  public PrivateKey key() {
    return key;
  }

  /** The CA's pin, as kubeadm prints it: "sha256:" and the hex SHA-256 of its SubjectPublicKeyInfo. */
  public String hash() {
    return hash(certificate);
  }

  public static String hash(X509Certificate certificate) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate.getPublicKey().getEncoded());
      return "sha256:" + HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A new key pair and a certificate for it. */
  public Issued issue(CertificateSpec spec) {
    KeyPair pair = KeyPairs.generate();
    return new Issued(issue(pair.getPublic(), spec), pair.getPrivate());
  }

  /** A certificate for {@code subjectKey} saying what {@code spec} says. */
  public X509Certificate issue(PublicKey subjectKey, CertificateSpec spec) {
    X500NameBuilder subject = new X500NameBuilder(BCStyle.INSTANCE);
    for (String organization : spec.organizations()) {
      subject.addRDN(BCStyle.O, organization);
    }
    subject.addRDN(BCStyle.CN, spec.commonName());
    Instant now = Instant.now();
    Instant notAfter = now.plus(spec.validity());
    if (notAfter.isAfter(certificate.getNotAfter().toInstant())) {
      notAfter = certificate.getNotAfter().toInstant();  // never outlive the issuer
    }
    List<KeyPurposeId> purposes = new ArrayList<>();
    if (spec.server()) {
      purposes.add(KeyPurposeId.id_kp_serverAuth);
    }
    if (spec.client()) {
      purposes.add(KeyPurposeId.id_kp_clientAuth);
    }
    try {
      JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(certificate, serial(),
          Date.from(now.minus(BACKDATE)), Date.from(notAfter), subject.build(), subjectKey)
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment))
          .addExtension(Extension.extendedKeyUsage, false,
              new ExtendedKeyUsage(purposes.toArray(KeyPurposeId[]::new)))
          .addExtension(Extension.authorityKeyIdentifier, false,
              extensions.createAuthorityKeyIdentifier(certificate));
      if (!spec.subjectAltNames().isEmpty()) {
        builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(
            spec.subjectAltNames().stream().map(CertificateAuthority::generalName).toArray(GeneralName[]::new)));
      }
      return sign(builder, key);
    } catch (CertIOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot issue a certificate for " + spec.commonName(), e);
    }
  }

  /**
   * A certificate for the key of a signing request. The request's signature proves its sender holds
   * the key; what the certificate says comes from {@code spec} (the caller's decision), never from
   * the request's own subject.
   */
  public X509Certificate sign(PKCS10CertificationRequest request, CertificateSpec spec) {
    try {
      JcaPKCS10CertificationRequest jca = new JcaPKCS10CertificationRequest(request);
      if (!request.isSignatureValid(new JcaContentVerifierProviderBuilder().build(jca.getPublicKey()))) {
        throw new IllegalArgumentException("the certificate signing request's signature does not verify");
      }
      return issue(jca.getPublicKey(), spec);
    } catch (OperatorCreationException | PKCSException | GeneralSecurityException e) {
      throw new IllegalArgumentException("unusable certificate signing request: " + e.getMessage(), e);
    }
  }

  /** A signing request for {@code pair}, as a node makes to join. */
  public static PKCS10CertificationRequest request(KeyPair pair, String commonName) {
    X500Name name = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, commonName).build();
    try {
      ContentSigner signer = new JcaContentSignerBuilder(KeyPairs.SIGNATURE).build(pair.getPrivate());
      return new JcaPKCS10CertificationRequestBuilder(name, pair.getPublic()).build(signer);
    } catch (OperatorCreationException e) {
      throw new IllegalStateException("cannot sign a certificate request", e);
    }
  }

  /** Whether {@code candidate} was signed by this CA's key. */
  public boolean issued(X509Certificate candidate) {
    try {
      candidate.verify(certificate.getPublicKey());
      return true;
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  private static GeneralName generalName(String name) {
    return Addresses.isIpLiteral(name) ? new GeneralName(GeneralName.iPAddress, name)
        : new GeneralName(GeneralName.dNSName, name);
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey key) {
    try {
      ContentSigner signer = new JcaContentSignerBuilder(KeyPairs.SIGNATURE).build(key);
      return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
    } catch (OperatorCreationException | java.security.cert.CertificateException e) {
      throw new IllegalStateException("cannot sign a certificate", e);
    }
  }

  private static BigInteger serial() {
    return new BigInteger(127, RANDOM);
  }

  /** A certificate and the private key that goes with it. */
  public record Issued(X509Certificate certificate, PrivateKey key) {
  }
}
