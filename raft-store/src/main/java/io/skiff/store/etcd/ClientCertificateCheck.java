package io.skiff.store.etcd;

import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.skiff.pki.Subjects;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLSession;

/**
 * Admits to the etcd-compatible port only clients whose verified certificate has an organization
 * among {@code groups} (system:masters: the admin and the masters); others get etcd's
 * PERMISSION_DENIED naming the subject and the groups. The TLS handshake already refused
 * connections without a certificate from the trusted CA; a call with no TLS session at all (a
 * plaintext transport) is refused too. Thread-safe.
 */
final class ClientCertificateCheck implements ServerInterceptor {
  private final List<String> groups;

  ClientCertificateCheck(List<String> groups) {
    this.groups = List.copyOf(groups);
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
      ServerCallHandler<Q, R> next) {
    SSLSession session = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
    Optional<X509Certificate> client = Subjects.peer(session);
    if (client.isPresent() && Subjects.organizations(client.get()).stream().anyMatch(groups::contains)) {
      return next.startCall(call, headers);
    }
    String who = client.map(c -> "certificate subject " + c.getSubjectX500Principal().getName())
        .orElse("a client without a certificate");
    call.close(Status.PERMISSION_DENIED.withDescription("etcdserver: permission denied: " + who
        + " is not in group " + String.join(" or ", groups)), new Metadata());
    return new ServerCall.Listener<>() {
    };
  }
}
