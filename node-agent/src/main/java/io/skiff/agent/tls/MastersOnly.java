package io.skiff.agent.tls;

import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.skiff.pki.Subjects;
import java.security.cert.X509Certificate;
import java.util.Optional;

/**
 * Lets through only callers whose verified client certificate names group system:masters (the
 * masters, and the admin): a node's logs port answers the masters, who check users' rights
 * themselves. Others get PERMISSION_DENIED before any handler runs.
 */
public final class MastersOnly implements ServerInterceptor {
  public static final String MASTERS_GROUP = "system:masters";

  @Override
  public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers,
      ServerCallHandler<Q, A> next) {
    Optional<X509Certificate> peer = Subjects.peer(call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION));
    if (peer.isPresent() && Subjects.organizations(peer.get()).contains(MASTERS_GROUP)) {
      return next.startCall(call, headers);
    }
    String who = peer.map(c -> "user \"" + Subjects.commonName(c) + "\"").orElse("a caller without a certificate");
    call.close(Status.PERMISSION_DENIED.withDescription(who + " cannot read logs from this node: only group "
        + MASTERS_GROUP + " may"), new Metadata());
    return new ServerCall.Listener<>() {
    };
  }
}
