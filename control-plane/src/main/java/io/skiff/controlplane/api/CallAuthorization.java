package io.skiff.controlplane.api;

import com.google.protobuf.Message;
import io.grpc.Status;
import io.skiff.api.v1.Pod;
import io.skiff.controlplane.auth.AccessRequest;
import io.skiff.controlplane.auth.AuthInterceptor;
import io.skiff.controlplane.auth.Authorizer;
import io.skiff.controlplane.auth.Identity;
import io.skiff.controlplane.auth.Verb;
import io.skiff.controlplane.kinds.Kinds;
import io.skiff.controlplane.registry.ApiException;
import io.skiff.controlplane.registry.Kind;
import io.skiff.controlplane.registry.Registry;
import io.skiff.controlplane.registry.Stored;
import io.skiff.controlplane.selector.FieldSelector;
import io.skiff.controlplane.watch.WatchCache;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * Authorizes one kind's calls for its service's handlers, before anything is read for the caller
 * or written: the caller from the call's context, the facts node rules need (the stored pod's node,
 * the field selector's spec.nodeName) from the request and the watch cache. A refusal is an
 * {@link ApiException} (PERMISSION_DENIED, or UNAUTHENTICATED when the call has no identity).
 */
final class CallAuthorization<T extends Message> {
  private final Authorizer authorizer;
  private final Registry<T> registry;
  private final WatchCache<T> cache;
  /** The fields a pod field selector may name, for reading a node's spec.nodeName out of it. */
  private final Set<String> selectableFields;

  CallAuthorization(Authorizer authorizer, Registry<T> registry, WatchCache<T> cache) {
    this.authorizer = authorizer;
    this.registry = registry;
    this.cache = cache;
    Set<String> fields = new HashSet<>(registry.kind().strategy().selectableFields());
    fields.add("metadata.name");
    fields.add("metadata.namespace");
    this.selectableFields = Set.copyOf(fields);
  }

  /** A verb on one object; {@code newObject} is what an update-status writes (null otherwise). */
  void check(Verb verb, String namespace, String name, T newObject) {
    Kind<T> kind = registry.kind();
    String ns = objectNamespace(namespace);
    AccessRequest request = AccessRequest.of(verb, kind.type(), ns, name);
    if (kind == (Kind<?>) Kinds.PODS) {
      request = request.withBoundNode(() -> boundNode(ns, name));
      if (newObject != null) {
        request = request.withNewNode(((Pod) newObject).getSpec().getNodeName());
      }
    }
    decide(request);
  }

  /** A list or watch: namespace "" is every namespace. */
  void checkCollection(Verb verb, String namespace, String fieldSelector) {
    Kind<T> kind = registry.kind();
    decide(AccessRequest.of(verb, kind.type(), namespace, "").withSelectedNode(selectedNode(fieldSelector)));
  }

  private void decide(AccessRequest request) {
    Identity who = Identity.current().orElseThrow(() ->
        new ApiException(Status.Code.UNAUTHENTICATED, AuthInterceptor.UNAUTHENTICATED_MESSAGE));
    Optional<String> denial = authorizer.denial(who, request);
    if (denial.isPresent()) {
      throw new ApiException(Status.Code.PERMISSION_DENIED, denial.get());
    }
  }

  /** As the registry reads it: a namespaced object with no namespace is in "default". */
  private String objectNamespace(String namespace) {
    return registry.kind().namespaced() && namespace.isEmpty() ? "default" : namespace;
  }

  /**
   * The node the stored pod is bound to. The cache first; a pod's node, once set, never changes,
   * so only a cache that lags (no pod, or not yet bound) needs the store's word.
   */
  private Optional<String> boundNode(String namespace, String name) {
    Optional<String> cached = cache.stored(registry.kind().key(namespace, name)).map(this::nodeOf);
    if (cached.isPresent() && !cached.get().isEmpty()) {
      return cached;
    }
    return registry.read(namespace, name).map(this::nodeOf);
  }

  private String nodeOf(Stored<T> stored) {
    return ((Pod) stored.object()).getSpec().getNodeName();
  }

  /** spec.nodeName=VALUE in the selector, if it says so; a selector that does not parse selects no node. */
  private Optional<String> selectedNode(String fieldSelector) {
    if (registry.kind() != (Kind<?>) Kinds.PODS || fieldSelector.isEmpty()) {
      return Optional.empty();
    }
    try {
      return FieldSelector.parse(fieldSelector, selectableFields).requiredValue("spec.nodeName");
    } catch (IllegalArgumentException e) {
      return Optional.empty();  // the registry answers INVALID_ARGUMENT to those allowed to ask
    }
  }

}
