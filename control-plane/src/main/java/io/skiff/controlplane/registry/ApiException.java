package io.skiff.controlplane.registry;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/** A refused API request: the gRPC code and the message the client sees. */
public final class ApiException extends RuntimeException {
  private final Status.Code code;

  public ApiException(Status.Code code, String message) {
    super(message, null, false, false);
    this.code = code;
  }

  public Status.Code code() {
    return code;
  }

  public StatusRuntimeException toStatus() {
    return Status.fromCode(code).withDescription(getMessage()).asRuntimeException();
  }

  public static ApiException notFound(Kind<?> kind, String name) {
    return new ApiException(Status.Code.NOT_FOUND, kind.resource() + " \"" + name + "\" not found");
  }

  public static ApiException invalid(String message) {
    return new ApiException(Status.Code.INVALID_ARGUMENT, message);
  }
}
