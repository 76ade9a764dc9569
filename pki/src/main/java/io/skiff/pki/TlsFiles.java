package io.skiff.pki;

import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.netty.handler.ssl.ClientAuth;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The three PEM files of one TLS identity — its certificate, its private key, and the CA it trusts
 * for the other side — and the gRPC (Netty) TLS contexts made from them. A client may have no
 * certificate of its own (it then authenticates another way, or not at all).
 */
public record TlsFiles(Path certificate, Path privateKey, Path trustedCa) {

  public TlsFiles {
    if ((certificate == null) != (privateKey == null)) {
      throw new IllegalArgumentException("a certificate and its private key go together; got only the "
          + (certificate == null ? "key " + privateKey : "certificate " + certificate));
    }
    if (trustedCa == null) {
      throw new IllegalArgumentException("a trusted CA certificate is required");
    }
  }

  /** Trusts {@code ca}, presents no certificate. */
  public static TlsFiles trusting(Path ca) {
    return new TlsFiles(null, null, ca);
  }

  public boolean hasCertificate() {
    return certificate != null;
  }

  /** Checks the files exist, so a wrong path is named at start and not at the first handshake. */
  public TlsFiles checked() throws IOException {
    for (Path file : new Path[] {certificate, privateKey, trustedCa}) {
      if (file != null && !Files.isReadable(file)) {
        throw new IOException("cannot read TLS file " + file);
      }
    }
    return this;
  }

  /**
   * A server context. {@code requireClientCertificate}: the handshake fails without a certificate
   * from the trusted CA; otherwise one is asked for and verified when offered (so bearer tokens can
   * authenticate instead).
   */
  public SslContext forServer(boolean requireClientCertificate) {
    if (!hasCertificate()) {
      throw new IllegalArgumentException("a TLS server needs a certificate and key");
    }
    try {
      return GrpcSslContexts.configure(SslContextBuilder.forServer(certificate.toFile(), privateKey.toFile()))
          .trustManager(trustedCa.toFile())
          .clientAuth(requireClientCertificate ? ClientAuth.REQUIRE : ClientAuth.OPTIONAL)
          .build();
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("cannot use TLS files " + this + ": " + e.getMessage(), e);
    }
  }

  public SslContext forClient() {
    try {
      SslContextBuilder builder = GrpcSslContexts.forClient().trustManager(trustedCa.toFile());
      if (hasCertificate()) {
        builder.keyManager(certificate.toFile(), privateKey.toFile());
      }
      return builder.build();
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("cannot use TLS files " + this + ": " + e.getMessage(), e);
    }
  }

  @Override
  public String toString() {
    return "cert=" + certificate + " key=" + privateKey + " ca=" + trustedCa;
  }
}
