package io.skiff.controlplane.auth;

import io.skiff.client.ResourceType;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * One call as the authorizer judges it. The facts only node rules read are optional: the stored
 * pod's node is supplied lazily, so a call by anyone else never reads it.
 *
 * @param namespace the namespace addressed; "" for a cluster-scoped kind, or for a list or watch of
 *     every namespace
 * @param name the object's name ("" for list and watch)
 * @param selectedNode the value of {@code spec.nodeName} the call's field selector requires, if any
 * @param boundNode the node the stored pod is bound to ("" unbound); empty when there is no such pod
 * @param newNode for a pod's update-status: the node the new object names ("" when it has no spec);
 *     null otherwise
 */
public record AccessRequest(
    Verb verb,
    ResourceType<?> type,
    String namespace,
    String name,
    Optional<String> selectedNode,
    Supplier<Optional<String>> boundNode,
    String newNode) {

  /** A request with no node facts. */
  public static AccessRequest of(Verb verb, ResourceType<?> type, String namespace, String name) {
    return new AccessRequest(verb, type, namespace, name, Optional.empty(), Optional::empty, null);
  }

  public AccessRequest withSelectedNode(Optional<String> node) {
    return new AccessRequest(verb, type, namespace, name, node, boundNode, newNode);
  }

  public AccessRequest withBoundNode(Supplier<Optional<String>> node) {
    return new AccessRequest(verb, type, namespace, name, selectedNode, node, newNode);
  }

  public AccessRequest withNewNode(String node) {
    return new AccessRequest(verb, type, namespace, name, selectedNode, boundNode, node);
  }

  public String resource() {
    return type.resource();
  }
}
