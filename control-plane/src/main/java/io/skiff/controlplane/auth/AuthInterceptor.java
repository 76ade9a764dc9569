package io.skiff.controlplane.auth;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.Optional;

/**
 * Authentication of every API call, the server's first interceptor: the caller's {@link Identity}
 * goes into the call's context ({@link Identity#KEY}); a call that proves nothing is closed with
 * UNAUTHENTICATED before any handler runs or any message is read. With --insecure every caller is
 * {@link Identity#INSECURE}. Exempt: health checks (anyone) and Auth/Join (no identity: it carries
 * a join token in its request).
 */
public final class AuthInterceptor implements ServerInterceptor {
  /** The one answer to every failed authentication: nothing about the object asked for, nor why. */
  public static final String UNAUTHENTICATED_MESSAGE =
      "unauthenticated: present a client certificate from the cluster CA or a valid bearer token";
  static final String HEALTH_SERVICE = "grpc.health.v1.Health";
  static final String JOIN_METHOD = "skiff.api.v1.Auth/Join";

  /** Null in insecure mode. */
  private final Authenticator authenticator;

  private AuthInterceptor(Authenticator authenticator) {
    this.authenticator = authenticator;
  }

  public static AuthInterceptor authenticating(Authenticator authenticator) {
    return new AuthInterceptor(authenticator);
  }

  /** Every caller is cluster-admin (--insecure). */
  public static AuthInterceptor insecure() {
    return new AuthInterceptor(null);
  }

  @Override
  public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers,
      ServerCallHandler<Q, A> next) {
    if (authenticator == null) {
      return withIdentity(Identity.INSECURE, call, headers, next);
    }
    String method = call.getMethodDescriptor().getFullMethodName();
    if (method.equals(JOIN_METHOD) || HEALTH_SERVICE.equals(call.getMethodDescriptor().getServiceName())) {
      return next.startCall(call, headers);
    }
    Optional<Identity> who = authenticator.authenticate(headers,
        call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION));
    if (who.isEmpty()) {
      call.close(Status.UNAUTHENTICATED.withDescription(UNAUTHENTICATED_MESSAGE), new Metadata());
      return new ServerCall.Listener<>() { };
    }
    return withIdentity(who.get(), call, headers, next);
  }

  private static <Q, A> ServerCall.Listener<Q> withIdentity(Identity who, ServerCall<Q, A> call, Metadata headers,
      ServerCallHandler<Q, A> next) {
    return Contexts.interceptCall(Context.current().withValue(Identity.KEY, who), call, headers, next);
  }
}
