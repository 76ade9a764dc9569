package io.skiff.controlplane.bench;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.skiff.api.v1.AuthGrpc;
import io.skiff.api.v1.ClusterRoleBinding;
import io.skiff.api.v1.ClusterRoleBindingsGrpc;
import io.skiff.api.v1.CreateTokenRequest;
import io.skiff.api.v1.CreateTokenResponse;
import io.skiff.api.v1.ListRequest;
import io.skiff.api.v1.ObjectMeta;
import io.skiff.api.v1.PodsGrpc;
import io.skiff.api.v1.Subject;
import io.skiff.api.v1.WhoAmIRequest;
import io.skiff.api.v1.WhoAmIResponse;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The bearer-token identity of the security benchmark, made through the API as an administrator
 * would: a ClusterRoleBinding of cluster-admin to the user, then a token for the user (Auth
 * CreateToken). The token and the binding reach the masters' in-memory indexes through store
 * watches, so it waits until a call with the token alone is authenticated and authorized before
 * handing the token out. Only the token's ID is ever written out here.
 */
final class TokenGrant {
  private final ApiConnections connections;
  private final List<String> apis;
  private final long timeoutMs;

  TokenGrant(ApiConnections connections, List<String> apis, long timeoutMs) {
    this.connections = connections;
    this.apis = apis;
    this.timeoutMs = timeoutMs;
  }

  /** The token ("ID.SECRET") once the masters take it; null if they did not within {@code maxSeconds}. */
  String grant(String user, double maxSeconds) throws InterruptedException {
    if (!connections.security().hasCertificate()) {
      throw new IllegalArgumentException("grant-token needs TLS and a system:masters client certificate "
          + "(--ca-file, --cert-file, --key-file: the PKI dir's ca.crt, admin.crt, admin.key)");
    }
    ManagedChannel admin = connections.connect(apis, 1).get(0);
    String binding = user + "-cluster-admin";
    try {
      ClusterRoleBindingsGrpc.newBlockingStub(admin).withDeadlineAfter(timeoutMs, TimeUnit.MILLISECONDS)
          .create(ClusterRoleBinding.newBuilder().setApiVersion("rbac.authorization.k8s.io/v1")
              .setKind("ClusterRoleBinding").setMetadata(ObjectMeta.newBuilder().setName(binding))
              .setRole("cluster-admin").addSubjects(Subject.newBuilder().setKind("User").setName(user)).build());
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() != Status.Code.ALREADY_EXISTS) {
        throw e;
      }
    }
    CreateTokenResponse created = AuthGrpc.newBlockingStub(admin).withDeadlineAfter(timeoutMs, TimeUnit.MILLISECONDS)
        .createToken(CreateTokenRequest.newBuilder().setPurpose("user").setUser(user)
            .setDescription("API benchmark").build());
    String token = created.getBearer();
    ManagedChannel asUser = connections.connect(apis, 1, connections.security().bearerOnly(token)).get(0);
    long deadline = System.nanoTime() + (long) (maxSeconds * 1e9);
    String last = "no answer";
    while (true) {
      try {
        WhoAmIResponse me = AuthGrpc.newBlockingStub(asUser).withDeadlineAfter(timeoutMs, TimeUnit.MILLISECONDS)
            .whoAmI(WhoAmIRequest.getDefaultInstance());
        if (me.getUser().equals(user) && me.getAuthenticatedBy().equals("token")) {
          // cluster-wide: the binding is in the index too (a namespace's list would need only a RoleBinding)
          PodsGrpc.newBlockingStub(asUser).withDeadlineAfter(timeoutMs, TimeUnit.MILLISECONDS)
              .list(ListRequest.newBuilder().setNamespace("").build());
          break;
        }
        last = "taken for user \"" + me.getUser() + "\" by " + me.getAuthenticatedBy();
      } catch (StatusRuntimeException e) {
        Status.Code code = e.getStatus().getCode();
        if (code != Status.Code.UNAUTHENTICATED && code != Status.Code.PERMISSION_DENIED) {
          throw e;
        }
        last = e.getStatus().toString();
      }
      if (System.nanoTime() - deadline > 0) {
        System.err.printf("token %s for user \"%s\" not taken within %.0f s: %s%n", created.getToken().getId(), user,
            maxSeconds, last);
        return null;
      }
      TimeUnit.MILLISECONDS.sleep(100);
    }
    System.err.printf("token %s for user \"%s\", bound to cluster-admin by ClusterRoleBinding %s%n",
        created.getToken().getId(), user, binding);
    return token;
  }
}
