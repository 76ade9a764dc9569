package io.skiff.store;

/**
 * A refused store request. The message is etcd's text for the same error (for
 * example "etcdserver: mvcc: required revision has been compacted"), because
 * etcd clients match on it.
 */
public final class StoreException extends RuntimeException {
  private final ErrorCode code;

  public StoreException(ErrorCode code, String message) {
    super(message, null, false, false);
    this.code = code;
  }

  public ErrorCode code() {
    return code;
  }

  // etcd's errors (etcdserver/api/v3rpc/rpctypes), with the same codes and texts.

  public static StoreException emptyKey() {
    return new StoreException(ErrorCode.INVALID_ARGUMENT, "etcdserver: key is not provided");
  }

  public static StoreException keyNotFound() {
    return new StoreException(ErrorCode.INVALID_ARGUMENT, "etcdserver: key not found");
  }

  public static StoreException valueProvided() {
    return new StoreException(ErrorCode.INVALID_ARGUMENT, "etcdserver: value is provided");
  }

  public static StoreException leaseProvided() {
    return new StoreException(ErrorCode.INVALID_ARGUMENT, "etcdserver: lease is provided");
  }

  public static StoreException tooManyOps() {
    return new StoreException(ErrorCode.INVALID_ARGUMENT, "etcdserver: too many operations in txn request");
  }

  public static StoreException duplicateKey() {
    return new StoreException(ErrorCode.INVALID_ARGUMENT, "etcdserver: duplicate key given in txn request");
  }

  public static StoreException compacted() {
    return new StoreException(ErrorCode.OUT_OF_RANGE, "etcdserver: mvcc: required revision has been compacted");
  }

  public static StoreException futureRevision() {
    return new StoreException(ErrorCode.OUT_OF_RANGE, "etcdserver: mvcc: required revision is a future revision");
  }

  public static StoreException leaseNotFound() {
    return new StoreException(ErrorCode.NOT_FOUND, "etcdserver: requested lease not found");
  }

  public static StoreException leaseExists() {
    return new StoreException(ErrorCode.FAILED_PRECONDITION, "etcdserver: lease already exists");
  }

  public static StoreException leaseTtlTooLarge() {
    return new StoreException(ErrorCode.OUT_OF_RANGE, "etcdserver: too large lease TTL");
  }

  /**
   * RESOURCE_EXHAUSTED, the code Skiff uses for every size limit. etcd 3.4 says
   * InvalidArgument for requests just over its limit and gRPC's ResourceExhausted
   * for larger ones; the message is etcd's either way.
   */
  public static StoreException requestTooLarge() {
    return new StoreException(ErrorCode.RESOURCE_EXHAUSTED, "etcdserver: request is too large");
  }

  public static StoreException noSpace() {
    return new StoreException(ErrorCode.RESOURCE_EXHAUSTED, "etcdserver: mvcc: database space exceeded");
  }

  public static StoreException notLeader() {
    return new StoreException(ErrorCode.UNAVAILABLE, "etcdserver: no leader");
  }

  public static StoreException timeout() {
    return new StoreException(ErrorCode.UNAVAILABLE, "etcdserver: request timed out");
  }
}
