package io.skiff.store.raft;

import io.skiff.pki.Pem;
import io.skiff.pki.TlsFiles;
import io.skiff.store.StoreTls;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.grpc.GrpcTlsConfig;

/**
 * Mutual TLS for Raft, as Ratis' gRPC transport takes it: one {@link GrpcTlsConfig} from the peer
 * files for the server port (Raft RPCs between peers, and the admin and client services, which
 * share it), for the peer's outgoing connections, and for every Ratis client this peer builds
 * (proposals, membership changes, probes).
 *
 * <p>The handshake alone admits any certificate from the trusted CA; {@link PeerGroupCheck} then
 * admits only certificates in the store's client groups, so a node's certificate from the same
 * cluster CA cannot speak Raft. Ratis' client verifies the server's host name as gRPC does: the
 * host of the peer's Raft address (a name or an IP literal such as 127.0.0.1) must be among the
 * certificate's subject alternative names (IP literals match IP SANs).
 */
final class RaftTls {
  private RaftTls() {
  }

  /** Ratis parameters for {@code tls}; empty (plaintext) when it is null. */
  static Parameters parameters(StoreTls tls) {
    Parameters parameters = new Parameters();
    if (tls == null) {
      return parameters;
    }
    GrpcTlsConfig conf = config(tls.peer());
    GrpcConfigKeys.TLS.setConf(parameters, conf);
    GrpcConfigKeys.Server.setTlsConf(parameters, conf);
    GrpcConfigKeys.Admin.setTlsConf(parameters, conf);
    GrpcConfigKeys.Client.setTlsConf(parameters, conf);
    GrpcConfigKeys.Server.setServicesCustomizer(parameters,
        (builder, types) -> builder.intercept(new PeerGroupCheck(tls.clientGroups())));
    return parameters;
  }

  private static GrpcTlsConfig config(TlsFiles files) {
    if (!files.hasCertificate()) {
      throw new IllegalArgumentException("Raft's mutual TLS needs a peer certificate and key; got only "
          + files.trustedCa());
    }
    try {
      X509Certificate certificate = Pem.readCertificate(files.certificate());
      PrivateKey key = Pem.readPrivateKey(files.privateKey());
      X509Certificate ca = Pem.readCertificate(files.trustedCa());
      return new GrpcTlsConfig(key, certificate, List.of(ca), true);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the peer TLS files " + files, e);
    }
  }
}
