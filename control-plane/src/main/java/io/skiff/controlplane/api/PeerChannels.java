package io.skiff.controlplane.api;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.skiff.pki.TlsFiles;

/**
 * How a master opens channels to its peers — its own API (controllers), agents' logs ports, other
 * masters' store ports: TLS with the master's certificate as client certificate, trusting the
 * cluster CA; or plaintext under --insecure. Thread-safe.
 */
public final class PeerChannels {
  /** Null: plaintext. */
  private final SslContext tls;

  private PeerChannels(SslContext tls) {
    this.tls = tls;
  }

  public static PeerChannels plaintext() {
    return new PeerChannels(null);
  }

  /** TLS as {@code files}' identity, trusting their CA. */
  public static PeerChannels tls(TlsFiles files) {
    return new PeerChannels(files.forClient());
  }

  public boolean secure() {
    return tls != null;
  }

  public ManagedChannel open(String host, int port) {
    NettyChannelBuilder builder = NettyChannelBuilder.forAddress(host, port);
    return (tls == null ? builder.usePlaintext() : builder.sslContext(tls)).build();
  }
}
