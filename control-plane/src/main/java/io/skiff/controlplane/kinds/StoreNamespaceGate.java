package io.skiff.controlplane.kinds;

import io.grpc.Status;
import io.skiff.api.v1.Namespace;
import io.skiff.controlplane.registry.ApiException;
import io.skiff.controlplane.registry.NamespaceGate;
import io.skiff.controlplane.registry.Registry;
import io.skiff.controlplane.registry.Stored;
import io.skiff.proto.etcd.Compare;

/** Admits creates into namespaces that exist and are not terminating, read from the store. */
public final class StoreNamespaceGate implements NamespaceGate {
  private final Registry<Namespace> namespaces;

  public StoreNamespaceGate(Registry<Namespace> namespaces) {
    this.namespaces = namespaces;
  }

  @Override
  public Compare requireActive(String name) {
    Stored<Namespace> namespace = namespaces.read("", name)
        .orElseThrow(() -> ApiException.notFound(Kinds.NAMESPACES, name));
    if (Kinds.terminating(namespace.object())) {
      throw new ApiException(Status.Code.FAILED_PRECONDITION, "unable to create new content in namespace " + name
          + " because it is being terminated");
    }
    return Compare.newBuilder().setKey(Kinds.NAMESPACES.key("", name)).setTarget(Compare.CompareTarget.MOD)
        .setResult(Compare.CompareResult.EQUAL).setModRevision(namespace.revision()).build();
  }
}
