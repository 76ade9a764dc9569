package io.skiff.controlplane.auth;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Authorization of the methods that are not a kind's verbs, by a table of method names: the Cluster
 * and Auth services and server reflection. Kinds' services pass through (their handlers authorize
 * each call, which needs the request). A method the table does not know needs cluster-wide
 * cluster-admin, so a service added later is closed until someone says otherwise. Runs after
 * {@link AuthInterceptor}.
 */
public final class MethodAccess implements ServerInterceptor {
  /** Who may call a method. */
  public enum Need { NONE, AUTHENTICATED, CLUSTER_ADMIN }

  static final Map<String, Need> METHODS = Map.of(
      "skiff.api.v1.Cluster/Members", Need.AUTHENTICATED,
      "skiff.api.v1.Cluster/Version", Need.AUTHENTICATED,
      "skiff.api.v1.Auth/WhoAmI", Need.AUTHENTICATED,
      AuthInterceptor.JOIN_METHOD, Need.NONE);
  static final Map<String, Need> SERVICES = Map.of(
      AuthInterceptor.HEALTH_SERVICE, Need.NONE,
      "grpc.reflection.v1.ServerReflection", Need.AUTHENTICATED,
      "grpc.reflection.v1alpha.ServerReflection", Need.AUTHENTICATED);

  private final Authorizer authorizer;
  /** Full names of the kinds' services ("skiff.api.v1.Pods"): authorized by their handlers. */
  private final Set<String> kindServices;

  public MethodAccess(Authorizer authorizer, Set<String> kindServices) {
    this.authorizer = authorizer;
    this.kindServices = Set.copyOf(kindServices);
  }

  /** What calling {@code method} (a full name, "service/Method") needs. */
  public Need need(String method) {
    Need listed = METHODS.get(method);
    if (listed != null) {
      return listed;
    }
    String service = io.grpc.MethodDescriptor.extractFullServiceName(method);
    if (kindServices.contains(service)) {
      return Need.NONE;  // authorized per call by KindService
    }
    return SERVICES.getOrDefault(service, Need.CLUSTER_ADMIN);
  }

  @Override
  public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers,
      ServerCallHandler<Q, A> next) {
    String method = call.getMethodDescriptor().getFullMethodName();
    Need need = need(method);
    Optional<Identity> who = Identity.current();
    if (need == Need.NONE || (who.isPresent() && (need == Need.AUTHENTICATED || authorizer.isClusterAdmin(who.get())))) {
      return next.startCall(call, headers);
    }
    String description = who.isEmpty() ? AuthInterceptor.UNAUTHENTICATED_MESSAGE
        : Denials.subject(who.get()) + " cannot call " + method + ": it needs cluster-admin in every namespace";
    call.close((who.isEmpty() ? Status.UNAUTHENTICATED : Status.PERMISSION_DENIED).withDescription(description),
        new Metadata());
    return new ServerCall.Listener<>() { };
  }
}
