package io.skiff.controlplane.kinds;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.skiff.api.v1.Namespace;
import io.skiff.controlplane.registry.ApiException;
import io.skiff.controlplane.registry.NamespaceGate;
import io.skiff.controlplane.registry.Registry;
import io.skiff.controlplane.registry.Stored;
import io.skiff.proto.etcd.Compare;
import java.util.Optional;
import java.util.function.Function;

/**
 * Admits creates into namespaces that exist and are not terminating: from the
 * namespaces' watch cache when it says yes, from the store otherwise (only the
 * store's answer may refuse).
 */
public final class StoreNamespaceGate implements NamespaceGate {
  private final Registry<Namespace> namespaces;
  private final Function<ByteString, Optional<Stored<Namespace>>> cached;

  public StoreNamespaceGate(Registry<Namespace> namespaces, Function<ByteString, Optional<Stored<Namespace>>> cached) {
    this.namespaces = namespaces;
    this.cached = cached;
  }

  @Override
  public Compare requireActive(String name, boolean fresh) {
    Optional<Stored<Namespace>> found = fresh ? Optional.empty() : cached.apply(Kinds.NAMESPACES.key("", name));
    if (found.isEmpty() || Kinds.terminating(found.get().object())) {
      found = namespaces.read("", name);
    }
    Stored<Namespace> namespace = found.orElseThrow(() -> ApiException.notFound(Kinds.NAMESPACES, name));
    if (Kinds.terminating(namespace.object())) {
      throw new ApiException(Status.Code.FAILED_PRECONDITION, "unable to create new content in namespace " + name
          + " because it is being terminated");
    }
    return Compare.newBuilder().setKey(Kinds.NAMESPACES.key("", name)).setTarget(Compare.CompareTarget.MOD)
        .setResult(Compare.CompareResult.EQUAL).setModRevision(namespace.revision()).build();
  }
}
