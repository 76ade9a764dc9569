package io.skiff.controlplane.api;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.skiff.client.FencingToken;
import io.skiff.controlplane.registry.Fence;

/** Reads a call's fencing token header into the call's context, where the registry finds it. */
final class FencingInterceptor implements ServerInterceptor {
  @Override
  public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers,
      ServerCallHandler<Q, A> next) {
    String value = headers.get(FencingToken.HEADER);
    if (value == null) {
      return next.startCall(call, headers);
    }
    FencingToken token;
    try {
      token = FencingToken.parse(value);
    } catch (IllegalArgumentException e) {
      call.close(Status.INVALID_ARGUMENT.withDescription(FencingToken.HEADER.name() + ": " + e.getMessage()),
          new Metadata());
      return new ServerCall.Listener<>() { };
    }
    return Contexts.interceptCall(Context.current().withValue(Fence.TOKEN, token), call, headers, next);
  }
}
