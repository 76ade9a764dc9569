package io.skiff.store;

import io.skiff.pki.CertificateAuthority;
import io.skiff.pki.CertificateSpec;
import io.skiff.pki.Pem;
import io.skiff.pki.TlsFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** A test CA writing PEM files into a directory: peers' and clients' certificates, as a master's PKI would. */
public final class TestPki {
  public static final String MASTERS = "system:masters";
  private static final Duration VALIDITY = Duration.ofDays(1);

  private final CertificateAuthority ca;
  private final Path dir;
  private final Path caFile;

  public TestPki(String name, Path dir) {
    this.ca = CertificateAuthority.create(name + "-ca");
    this.dir = dir;
    this.caFile = dir.resolve(name + "-ca.crt");
    write(caFile, Pem.encode(ca.certificate()), false);
  }

  public Path caFile() {
    return caFile;
  }

  /** A serving and client certificate for loopback (127.0.0.1, localhost), trusting this CA. */
  public TlsFiles peer(String name, String... groups) {
    return files(name, CertificateSpec.peer(name, List.of(groups), List.of("127.0.0.1", "localhost"), VALIDITY));
  }

  /** A client-only certificate trusting this CA. */
  public TlsFiles client(String name, String... groups) {
    return files(name, CertificateSpec.client(name, List.of(groups), VALIDITY));
  }

  private TlsFiles files(String name, CertificateSpec spec) {
    CertificateAuthority.Issued issued = ca.issue(spec);
    Path certificate = dir.resolve(name + ".crt");
    Path key = dir.resolve(name + ".key");
    // serving files carry the CA after the leaf, as the master's do
    write(certificate, Pem.encode(issued.certificate()) + Pem.encode(ca.certificate()), false);
    write(key, Pem.encode(issued.key()), true);
    return new TlsFiles(certificate, key, caFile);
  }

  private static void write(Path file, String pem, boolean secret) {
    try {
      if (secret) {
        Pem.writeSecret(file, pem);
      } else {
        Pem.writePublic(file, pem);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
