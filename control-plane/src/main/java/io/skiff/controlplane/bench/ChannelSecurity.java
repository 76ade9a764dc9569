package io.skiff.controlplane.bench;

import io.grpc.Metadata;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.stub.MetadataUtils;
import io.skiff.pki.TlsFiles;
import io.skiff.store.server.Flags;
import java.nio.file.Path;

/**
 * How a benchmark client's channels reach the masters: plaintext (masters started with --insecure),
 * or TLS trusting --ca-file, presenting --cert-file/--key-file when given, sending --token as
 * "authorization: Bearer ID.SECRET" when given (over TLS only). Immutable; the token never appears
 * in {@link #toString()}.
 */
final class ChannelSecurity {
  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private final TlsFiles files;
  private final SslContext context;
  private final String bearer;

  /** {@code files} null for plaintext; {@code bearer} "ID.SECRET" or null. */
  private ChannelSecurity(TlsFiles files, String bearer) {
    if (bearer != null && files == null) {
      throw new IllegalArgumentException("--token needs TLS (--ca-file): a bearer token is not sent in plaintext");
    }
    this.files = files;
    this.context = files == null ? null : files.forClient();  // one context for every channel
    this.bearer = bearer;
  }

  static ChannelSecurity plaintext() {
    return new ChannelSecurity(null, null);
  }

  /** From --ca-file, --cert-file, --key-file, --token; plaintext when none is given. */
  static ChannelSecurity fromFlags(Flags flags) {
    String ca = flags.string("--ca-file", null);
    String cert = flags.string("--cert-file", null);
    String key = flags.string("--key-file", null);
    String token = flags.string("--token", null);
    if (ca == null && (cert != null || key != null)) {
      throw new IllegalArgumentException("--cert-file and --key-file need --ca-file (the CA of the masters' certificates)");
    }
    return new ChannelSecurity(ca == null ? null : new TlsFiles(cert == null ? null : Path.of(cert),
        key == null ? null : Path.of(key), Path.of(ca)), token == null || token.isBlank() ? null : token);
  }

  boolean isTls() {
    return files != null;
  }

  boolean hasCertificate() {
    return files != null && files.hasCertificate();
  }

  /** TLS trusting the same CA, presenting no certificate, authenticating with {@code token} alone. */
  ChannelSecurity bearerOnly(String token) {
    if (files == null) {
      throw new IllegalArgumentException("a bearer token needs TLS (--ca-file)");
    }
    return new ChannelSecurity(TlsFiles.trusting(files.trustedCa()), token);
  }

  void apply(NettyChannelBuilder builder) {
    if (context == null) {
      builder.usePlaintext();
      return;
    }
    builder.sslContext(context);
    if (bearer != null) {
      Metadata headers = new Metadata();
      headers.put(AUTHORIZATION, "Bearer " + bearer);
      builder.intercept(MetadataUtils.newAttachHeadersInterceptor(headers));
    }
  }

  @Override
  public String toString() {
    return (files == null ? "plaintext" : "TLS") + (hasCertificate() ? " with a client certificate" : "")
        + (bearer == null ? "" : " with a bearer token");  // never the token
  }
}
