package io.skiff.controlplane.api;

import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.skiff.controlplane.auth.AuthInterceptor;
import io.skiff.controlplane.auth.Authorizer;
import io.skiff.controlplane.auth.BindingIndex;

/**
 * The API server's security: its TLS context (null: plaintext), who callers are, what they may
 * do, and how the master reaches its peers.
 */
public record ApiSecurity(SslContext serverTls, AuthInterceptor authentication, Authorizer authorizer,
    PeerChannels peers) {

  /** --insecure: plaintext, every caller cluster-admin. */
  public static ApiSecurity insecure() {
    return new ApiSecurity(null, AuthInterceptor.insecure(), new Authorizer(new BindingIndex()),
        PeerChannels.plaintext());
  }

  void applyTo(NettyServerBuilder builder) {
    if (serverTls != null) {
      builder.sslContext(serverTls);
    }
  }
}
