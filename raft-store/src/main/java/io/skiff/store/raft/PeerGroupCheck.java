package io.skiff.store.raft;

import io.skiff.pki.Subjects;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLSession;
import org.apache.ratis.thirdparty.io.grpc.Grpc;
import org.apache.ratis.thirdparty.io.grpc.Metadata;
import org.apache.ratis.thirdparty.io.grpc.ServerCall;
import org.apache.ratis.thirdparty.io.grpc.ServerCallHandler;
import org.apache.ratis.thirdparty.io.grpc.ServerInterceptor;
import org.apache.ratis.thirdparty.io.grpc.Status;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Admits to the Raft port only callers whose verified certificate has an organization among
 * {@code groups} (system:masters): the TLS handshake already refused certificates from other
 * CAs, this refuses the cluster CA's other certificates (nodes', users'). On Ratis' shaded gRPC.
 * Each refused subject is logged once. Thread-safe.
 */
final class PeerGroupCheck implements ServerInterceptor {
  private static final Logger log = LoggerFactory.getLogger(PeerGroupCheck.class);

  private final List<String> groups;
  /** Who was refused already: a refused peer retries every heartbeat, its refusal is logged once. */
  private final Set<String> refused = ConcurrentHashMap.newKeySet();

  PeerGroupCheck(List<String> groups) {
    this.groups = List.copyOf(groups);
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
      ServerCallHandler<Q, R> next) {
    SSLSession session = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
    Optional<X509Certificate> peer = Subjects.peer(session);
    if (peer.isPresent() && Subjects.organizations(peer.get()).stream().anyMatch(groups::contains)) {
      return next.startCall(call, headers);
    }
    String who = peer.map(c -> "certificate subject " + c.getSubjectX500Principal().getName()).orElse("no certificate");
    if (refused.add(who)) {
      log.warn("refused a Raft call ({}) from {}: {} is not in group {}", call.getMethodDescriptor().getFullMethodName(),
        call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR), who, String.join(", ", groups));
    }
    call.close(Status.PERMISSION_DENIED.withDescription("raft: " + who + " is not in group "
        + String.join(", ", groups)), new Metadata());
    return new ServerCall.Listener<>() {
    };
  }
}
