package io.skiff.agent.tls;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.skiff.api.v1.AuthGrpc;
import io.skiff.api.v1.JoinRequest;
import io.skiff.api.v1.JoinResponse;
import io.skiff.client.MasterChannels;
import io.skiff.pki.CertificateAuthority;
import io.skiff.pki.KeyPairs;
import io.skiff.pki.Pem;
import io.skiff.pki.PkiDirectory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's first start: makes a key (which never leaves the node), asks the masters for a
 * certificate with a join token over TLS that trusts only the pinned CA, checks the answer, and
 * saves ca.crt, node.key (owner-only) and node.crt. Nothing is saved when any step fails.
 */
public final class NodeJoiner {
  private static final Logger log = LoggerFactory.getLogger(NodeJoiner.class);

  private final List<InetSocketAddress> masters;
  private final Duration timeout;

  public NodeJoiner(List<InetSocketAddress> masters, Duration timeout) {
    this.masters = List.copyOf(masters);
    this.timeout = timeout;
  }

  /**
   * Joins as node {@code nodeName} serving on {@code addresses}, and installs the files in
   * {@code dir} under {@code filesName}. IOException naming what failed; never the token's secret.
   */
  public void join(String token, String caCertHash, String nodeName, List<String> addresses, PkiDirectory dir,
      String filesName) throws IOException {
    KeyPair pair = KeyPairs.generate();
    Joined joined = fetch(token, caCertHash, nodeName, addresses, pair);
    // the key first (install writes it before the certificate), the CA last: a directory with all three is whole
    dir.install(filesName, joined.certificate(), pair.getPrivate(), joined.ca());
    dir.installCa(joined.ca());
    log.info("joined the cluster as node {}: certificate saved in {} (CA {})", nodeName, dir.dir(), caCertHash);
  }

  /**
   * Asks for a certificate for {@code pair}'s public key as {@code name} (a node's name, or a master's
   * id for a join-master token) and checks the answer: its CA has the pinned hash and signed a
   * certificate of that key. Saves nothing.
   */
  public Joined fetch(String token, String caCertHash, String name, List<String> addresses, KeyPair pair)
      throws IOException {
    JoinRequest request = JoinRequest.newBuilder()
        .setToken(token)
        .setName(name)
        .addAllAddresses(addresses)
        .setCsrPem(Pem.encode(CertificateAuthority.request(pair, name)))
        .build();
    JoinResponse response = call(request, caCertHash);
    X509Certificate ca = parse(response.getCaPem(), "CA certificate");
    if (!CertificateAuthority.hash(ca).equals(caCertHash)) {
      throw new IOException("the masters answered with CA " + CertificateAuthority.hash(ca) + ", not the pinned "
          + caCertHash + "; nothing saved");
    }
    X509Certificate certificate = parse(response.getCertificatePem(), "certificate");
    if (!new CertificateAuthority(ca, null).issued(certificate)
        || !certificate.getPublicKey().equals(pair.getPublic())) {
      throw new IOException("the masters' certificate is not the pinned CA's signature of this key; nothing saved");
    }
    return new Joined(certificate, ca, response.getCaKeyPem());
  }

  /** What joining gave: a certificate, the CA that signed it, and (join-master only) the CA's key in PEM. */
  public record Joined(X509Certificate certificate, X509Certificate ca, String caKeyPem) {
    @Override
    public String toString() {
      return "Joined[" + certificate.getSubjectX500Principal() + "]";  // never the CA key
    }
  }

  private JoinResponse call(JoinRequest request, String caCertHash) throws IOException {
    ManagedChannel channel = MasterChannels.openTls(masters, pinnedContext(caCertHash));
    try {
      return AuthGrpc.newBlockingStub(channel).withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS)
          .join(request);
    } catch (StatusRuntimeException e) {
      throw new IOException(explain(e.getStatus()), e);
    } finally {
      channel.shutdownNow();
    }
  }

  private static SslContext pinnedContext(String caCertHash) throws IOException {
    try {
      return GrpcSslContexts.forClient().trustManager(new PinnedCaTrustManager(caCertHash)).build();
    } catch (SSLException e) {
      throw new IOException("cannot set up TLS for joining: " + e.getMessage(), e);
    }
  }

  private String explain(Status status) {
    return switch (status.getCode()) {
      case UNAUTHENTICATED -> "the masters refused the join token (wrong, expired, revoked, or a token of another "
          + "purpose): " + status.getDescription();
      case UNAVAILABLE -> "cannot join through masters " + masters + ": " + rootCause(status);
      default -> "joining failed: " + status.getCode() + (status.getDescription() == null ? ""
          : ": " + status.getDescription());
    };
  }

  private static String rootCause(Status status) {
    Throwable t = status.getCause();
    if (t == null) {
      return String.valueOf(status.getDescription());
    }
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }

  private static X509Certificate parse(String pem, String what) throws IOException {
    try {
      return Pem.certificate(pem);
    } catch (IllegalArgumentException e) {
      throw new IOException("the masters' answer holds no usable " + what + ": " + e.getMessage(), e);
    }
  }
}
