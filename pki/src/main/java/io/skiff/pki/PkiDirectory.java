package io.skiff.pki;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.PrivateKey;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A directory of PEM files, laid out as kubeadm lays out /etc/kubernetes/pki: {@code ca.crt} and
 * (on masters) {@code ca.key}, then {@code NAME.crt}/{@code NAME.key} per identity. Certificates
 * are issued when missing and renewed at start when they near expiry or no longer say what is
 * wanted (a new address, say). Masters that share one directory agree on one CA: creating it
 * happens under a file lock.
 */
public final class PkiDirectory {
  private static final Logger log = LoggerFactory.getLogger(PkiDirectory.class);
  /** Renew a certificate with less than this left, as k3s does at start. */
  static final Duration RENEW_BEFORE = Duration.ofDays(90);

  private final Path dir;

  public PkiDirectory(Path dir) {
    this.dir = dir;
  }

  public Path dir() {
    return dir;
  }

  public Path caCertificate() {
    return dir.resolve("ca.crt");
  }

  public Path caKey() {
    return dir.resolve("ca.key");
  }

  public Path certificate(String name) {
    return dir.resolve(name + ".crt");
  }

  public Path key(String name) {
    return dir.resolve(name + ".key");
  }

  /** Identity {@code name}'s files, trusting this directory's CA. */
  public TlsFiles files(String name) {
    return new TlsFiles(certificate(name), key(name), caCertificate());
  }

  public TlsFiles trustOnly() {
    return TlsFiles.trusting(caCertificate());
  }

  public boolean hasCa() {
    return Files.exists(caCertificate());
  }

  public CertificateAuthority loadCa() throws IOException {
    if (!Files.exists(caKey())) {
      throw new IOException("no CA key " + caKey() + ": only a master's PKI directory can issue certificates");
    }
    return CertificateAuthority.load(caCertificate(), caKey());
  }

  /** This directory's CA, created first (named {@code clusterName}) when there is none. */
  public CertificateAuthority ensureCa(String clusterName) throws IOException {
    Files.createDirectories(dir);
    try (FileChannel lockFile = FileChannel.open(dir.resolve(".lock"), StandardOpenOption.CREATE,
        StandardOpenOption.WRITE);
        FileLock ignored = lockFile.lock()) {
      if (Files.exists(caCertificate())) {
        return loadCa();
      }
      CertificateAuthority ca = CertificateAuthority.create(clusterName + "-ca");
      Pem.writeSecret(caKey(), Pem.encode(ca.key()));
      Pem.writePublic(caCertificate(), Pem.encode(ca.certificate()));
      log.info("created the cluster CA in {} ({})", dir, ca.hash());
      return ca;
    }
  }

  /**
   * Identity {@code name}'s files: kept when they exist, were issued by {@code ca}, say what
   * {@code spec} says and have long enough left; otherwise a new key and certificate.
   */
  public TlsFiles ensure(String name, CertificateSpec spec, CertificateAuthority ca) throws IOException {
    Files.createDirectories(dir);
    try (FileChannel lockFile = FileChannel.open(dir.resolve(".lock"), StandardOpenOption.CREATE,
        StandardOpenOption.WRITE);
        FileLock ignored = lockFile.lock()) {
      String reason = reasonToIssue(name, spec, ca);
      if (reason != null) {
        CertificateAuthority.Issued issued = ca.issue(spec);
        install(name, issued.certificate(), issued.key(), ca.certificate());
        log.info("issued certificate {} for {} ({})", certificate(name), spec.commonName(), reason);
      }
    }
    return files(name);
  }

  /**
   * Writes an identity's key and certificate, followed by the issuers in {@code chain} (a server
   * then sends its CA along, which lets a joining node check the CA against its pinned hash). The
   * key is written first: a certificate is never seen without its key.
   */
  public void install(String name, X509Certificate certificate, PrivateKey key, X509Certificate... chain)
      throws IOException {
    Pem.writeSecret(key(name), Pem.encode(key));
    StringBuilder pem = new StringBuilder(Pem.encode(certificate));
    for (X509Certificate issuer : chain) {
      pem.append(Pem.encode(issuer));
    }
    Pem.writePublic(certificate(name), pem.toString());
  }

  /** Writes the CA certificate (a node's directory trusts it, and has no key). */
  public void installCa(X509Certificate ca) throws IOException {
    Pem.writePublic(caCertificate(), Pem.encode(ca));
  }

  private String reasonToIssue(String name, CertificateSpec spec, CertificateAuthority ca) throws IOException {
    if (!Files.exists(certificate(name)) || !Files.exists(key(name))) {
      return "none yet";
    }
    X509Certificate existing = Pem.readCertificate(certificate(name));
    if (!ca.issued(existing)) {
      return "issued by another CA";
    }
    if (existing.getNotAfter().toInstant().isBefore(Instant.now().plus(RENEW_BEFORE))) {
      return "expires " + existing.getNotAfter().toInstant();
    }
    if (!Subjects.commonName(existing).equals(spec.commonName())
        || !Set.copyOf(Subjects.organizations(existing)).equals(Set.copyOf(spec.organizations()))) {
      return "subject changed";
    }
    Set<String> missing = new HashSet<>(spec.subjectAltNames().stream().map(Addresses::canonical).toList());
    missing.removeAll(subjectAltNames(existing).stream().map(Addresses::canonical).toList());
    return missing.isEmpty() ? null : "new names " + missing;
  }

  static List<String> subjectAltNames(X509Certificate certificate) {
    List<String> names = new ArrayList<>();
    try {
      Collection<List<?>> entries = certificate.getSubjectAlternativeNames();
      if (entries != null) {
        for (List<?> entry : entries) {
          names.add(String.valueOf(entry.get(1)));
        }
      }
    } catch (CertificateParsingException e) {
      // unreadable names: treated as none, so the certificate is reissued
    }
    return names;
  }
}
