package io.skiff.pki;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/**
 * PEM text and files. Keys are written as PKCS#8 ("PRIVATE KEY"), which Java's and Go's TLS
 * stacks both read; key files are created readable by their owner only and replaced atomically,
 * so a reader never sees half a key.
 */
public final class Pem {
  private Pem() {
  }

  public static String encode(X509Certificate certificate) {
    return write(certificate);
  }

  public static String encode(PrivateKey key) {
    try {
      return write(new JcaPKCS8Generator(key, null).generate());
    } catch (org.bouncycastle.util.io.pem.PemGenerationException e) {
      throw new IllegalArgumentException("cannot encode the key: " + e.getMessage(), e);
    }
  }

  public static String encode(PKCS10CertificationRequest request) {
    return write(request);
  }

  private static String write(Object object) {
    StringWriter text = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
      writer.writeObject(object);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return text.toString();
  }

  /** The first certificate in {@code pem}; IllegalArgumentException when there is none. */
  public static X509Certificate certificate(String pem) {
    Object object = read(pem, "certificate");
    if (!(object instanceof X509CertificateHolder holder)) {
      throw new IllegalArgumentException("expected a PEM certificate, found " + describe(object));
    }
    try {
      return new JcaX509CertificateConverter().getCertificate(holder);
    } catch (CertificateException e) {
      throw new IllegalArgumentException("not a valid certificate: " + e.getMessage(), e);
    }
  }

  public static PrivateKey privateKey(String pem) {
    Object object = read(pem, "private key");
    try {
      if (object instanceof PrivateKeyInfo info) {
        return new JcaPEMKeyConverter().getPrivateKey(info);
      }
      if (object instanceof PEMKeyPair pair) {
        return new JcaPEMKeyConverter().getKeyPair(pair).getPrivate();
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("not a valid private key: " + e.getMessage(), e);
    }
    throw new IllegalArgumentException("expected a PEM private key, found " + describe(object));
  }

  public static PKCS10CertificationRequest certificationRequest(String pem) {
    Object object = read(pem, "certificate signing request");
    if (!(object instanceof PKCS10CertificationRequest request)) {
      throw new IllegalArgumentException("expected a PEM certificate signing request, found " + describe(object));
    }
    return request;
  }

  private static Object read(String pem, String what) {
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      Object object = parser.readObject();
      if (object == null) {
        throw new IllegalArgumentException("no PEM " + what + " found");
      }
      return object;
    } catch (IOException e) {
      throw new IllegalArgumentException("malformed PEM " + what + ": " + e.getMessage(), e);
    }
  }

  private static String describe(Object object) {
    return object.getClass().getSimpleName();
  }

  public static X509Certificate readCertificate(Path file) throws IOException {
    try {
      return certificate(Files.readString(file, StandardCharsets.US_ASCII));
    } catch (IllegalArgumentException e) {
      throw new IOException(file + ": " + e.getMessage(), e);
    }
  }

  public static PrivateKey readPrivateKey(Path file) throws IOException {
    try {
      return privateKey(Files.readString(file, StandardCharsets.US_ASCII));
    } catch (IllegalArgumentException e) {
      throw new IOException(file + ": " + e.getMessage(), e);
    }
  }

  /** Writes a public file (a certificate) atomically. */
  public static void writePublic(Path file, String pem) throws IOException {
    writeAtomically(file, pem, "rw-r--r--");
  }

  /** Writes a secret file (a key, a credential) atomically, readable by its owner only. */
  public static void writeSecret(Path file, String pem) throws IOException {
    writeAtomically(file, pem, "rw-------");
  }

  private static void writeAtomically(Path file, String text, String permissions) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
    try {
      try {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString(permissions));
      } catch (UnsupportedOperationException e) {
        // not a POSIX file system: the directory's protection is all there is
      }
      Files.writeString(tmp, text, StandardCharsets.US_ASCII);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
