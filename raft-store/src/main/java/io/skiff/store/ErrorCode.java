package io.skiff.store;

/**
 * Why a store request was refused. The names are gRPC status codes, so the wire
 * layer maps them one to one, and each is the code etcd uses for the same error.
 */
public enum ErrorCode {
  INVALID_ARGUMENT(3),
  DEADLINE_EXCEEDED(4),
  NOT_FOUND(5),
  ALREADY_EXISTS(6),
  RESOURCE_EXHAUSTED(8),
  FAILED_PRECONDITION(9),
  OUT_OF_RANGE(11),
  INTERNAL(13),
  UNAVAILABLE(14);

  /** The gRPC status code number; stable, so it can travel in messages. */
  public final int grpcCode;

  ErrorCode(int grpcCode) {
    this.grpcCode = grpcCode;
  }

  public static ErrorCode ofGrpcCode(int code) {
    for (ErrorCode c : values()) {
      if (c.grpcCode == code) {
        return c;
      }
    }
    return INTERNAL;
  }
}
