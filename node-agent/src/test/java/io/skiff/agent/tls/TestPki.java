package io.skiff.agent.tls;

import io.skiff.pki.CertificateAuthority;
import io.skiff.pki.CertificateSpec;
import io.skiff.pki.PkiDirectory;
import io.skiff.pki.TlsFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** A test cluster CA in a directory, issuing the certificates the agent's TLS tests need. */
final class TestPki {
  final PkiDirectory dir;
  final CertificateAuthority ca;

  TestPki(Path path, String name) throws IOException {
    dir = new PkiDirectory(path);
    ca = dir.ensureCa(name);
  }

  /** A serving and client certificate, its CA after it in the file (as masters' and nodes' are). */
  TlsFiles peer(String file, String commonName, String group, String host) throws IOException {
    CertificateAuthority.Issued issued = ca.issue(CertificateSpec.peer(commonName, List.of(group), List.of(host),
        Duration.ofDays(1)));
    dir.install(file, issued.certificate(), issued.key(), ca.certificate());
    return dir.files(file);
  }

  TlsFiles client(String file, String commonName, String group) throws IOException {
    CertificateAuthority.Issued issued = ca.issue(CertificateSpec.client(commonName, List.of(group),
        Duration.ofDays(1)));
    dir.install(file, issued.certificate(), issued.key());
    return dir.files(file);
  }
}
