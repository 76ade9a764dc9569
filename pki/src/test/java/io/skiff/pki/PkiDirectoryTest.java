package io.skiff.pki;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PkiDirectoryTest {
  @TempDir
  Path dir;

  private static CertificateSpec master(List<String> sans) {
    return CertificateSpec.peer("system:master:m1", List.of("system:masters"), sans, Duration.ofDays(365));
  }

  @Test
  void issuesOnceAndKeepsWhatStillFits() throws Exception {
    PkiDirectory pki = new PkiDirectory(dir);
    CertificateAuthority ca = pki.ensureCa("test");
    assertEquals(ca.hash(), pki.ensureCa("test").hash(), "a second ensure loads the same CA");
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(pki.caKey())));

    TlsFiles files = pki.ensure("master-m1", master(List.of("127.0.0.1", "::1", "localhost")), ca);
    X509Certificate first = Pem.readCertificate(files.certificate());
    assertEquals("system:master:m1", Subjects.commonName(first));
    assertEquals(List.of("system:masters"), Subjects.organizations(first));
    assertTrue(ca.issued(first));

    pki.ensure("master-m1", master(List.of("::1", "LOCALHOST")), ca);
    assertEquals(first.getSerialNumber(), Pem.readCertificate(files.certificate()).getSerialNumber(),
        "same names in other spellings: kept");

    pki.ensure("master-m1", master(List.of("10.1.2.3")), ca);
    X509Certificate renamed = Pem.readCertificate(files.certificate());
    assertNotEquals(first.getSerialNumber(), renamed.getSerialNumber(), "a new address: reissued");
    assertTrue(PkiDirectory.subjectAltNames(renamed).contains("10.1.2.3"));
  }

  @Test
  void aCertificateFromAnotherCaIsReplaced() throws Exception {
    PkiDirectory pki = new PkiDirectory(dir);
    CertificateAuthority other = CertificateAuthority.create("other");
    CertificateAuthority.Issued foreign = other.issue(master(List.of("localhost")));
    pki.install("master-m1", foreign.certificate(), foreign.key());
    CertificateAuthority ca = pki.ensureCa("test");
    assertFalse(ca.issued(foreign.certificate()));
    pki.ensure("master-m1", master(List.of("localhost")), ca);
    assertTrue(ca.issued(Pem.readCertificate(pki.certificate("master-m1"))));
  }

  @Test
  void signsARequestWithTheCallersSubjectNotTheRequests() throws Exception {
    CertificateAuthority ca = CertificateAuthority.create("test");
    KeyPair pair = KeyPairs.generate();
    PKCS10CertificationRequest request = CertificateAuthority.request(pair, "admin");
    String pem = Pem.encode(request);
    X509Certificate signed = ca.sign(Pem.certificationRequest(pem),
        CertificateSpec.peer("system:node:n1", List.of("system:nodes"), List.of("10.0.0.5"), Duration.ofDays(30)));
    assertEquals("system:node:n1", Subjects.commonName(signed));
    assertEquals(pair.getPublic(), signed.getPublicKey());

    PKCS10CertificationRequest forged = CertificateAuthority.request(KeyPairs.generate(), "x");
    byte[] bytes = forged.getEncoded().clone();
    bytes[bytes.length - 5] ^= 1;  // break the signature
    assertThrows(IllegalArgumentException.class, () -> ca.sign(new PKCS10CertificationRequest(bytes),
        CertificateSpec.client("x", List.of(), Duration.ofDays(1))));
  }

  @Test
  void badPemIsNamed() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Pem.certificate("hello"));
    assertTrue(e.getMessage().contains("certificate"), e.getMessage());
  }
}
