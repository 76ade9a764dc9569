package io.skiff.controlplane.registry;

import io.skiff.proto.etcd.Compare;

/** Decides whether objects may be created in a namespace. */
public interface NamespaceGate {
  /**
   * Returns the check a create must make in its own transaction (the namespace
   * is unchanged since this look), so a namespace deleted meanwhile fails the
   * create. Throws NOT_FOUND when it does not exist, FAILED_PRECONDITION while
   * it terminates. With {@code fresh} the look is a linearizable read;
   * otherwise it may use a recent copy (the check in the transaction catches
   * a stale one, and the create then asks again, fresh).
   */
  Compare requireActive(String namespace, boolean fresh);
}
