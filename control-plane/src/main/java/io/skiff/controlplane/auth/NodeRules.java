package io.skiff.controlplane.auth;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What a node's credential may do (Kubernetes' node authorizer and NodeRestriction, cut down): read
 * every node and write its own; its own lease; the pods bound to it; events. Nothing else.
 */
final class NodeRules {
  private static final Set<Verb> NODE_READS = Set.of(Verb.GET, Verb.LIST, Verb.WATCH);
  private static final Set<Verb> NODE_WRITES = Set.of(Verb.CREATE, Verb.UPDATE, Verb.UPDATE_STATUS);
  private static final Set<Verb> LEASE_VERBS = Set.of(Verb.GET, Verb.CREATE, Verb.UPDATE);
  private static final Set<Verb> BOUND_POD_VERBS = Set.of(Verb.GET, Verb.UPDATE_STATUS, Verb.DELETE);
  private static final Set<Verb> EVENT_VERBS = Set.of(Verb.CREATE, Verb.UPDATE, Verb.GET);

  private NodeRules() {
  }

  static Optional<String> denial(String node, AccessRequest request) {
    String reason = reason(node, request);
    return reason == null ? Optional.empty()
        : Optional.of(Denials.cannot(new Identity(Identity.NODE_PREFIX + node,
            List.of(Identity.NODES_GROUP), "node"), request, reason.isEmpty() ? null : reason));
  }

  /** Null when allowed, "" when denied with no more to say, else why. */
  private static String reason(String node, AccessRequest request) {
    Verb verb = request.verb();
    switch (request.resource()) {
      case "nodes":
        if (NODE_READS.contains(verb)) {
          return null;
        }
        if (NODE_WRITES.contains(verb)) {
          return request.name().equals(node) ? null : "node \"" + request.name() + "\" is not itself";
        }
        return "";
      case "leases":
        if (!LEASE_VERBS.contains(verb)) {
          return "";
        }
        return request.namespace().equals(Authorizer.NODE_LEASES_NAMESPACE) && request.name().equals(node) ? null
            : "only its own lease " + Authorizer.NODE_LEASES_NAMESPACE + "/" + node;
      case "pods":
        return podReason(node, request);
      case "events":
        return EVENT_VERBS.contains(verb) ? null : "";
      default:
        return "";
    }
  }

  private static String podReason(String node, AccessRequest request) {
    Verb verb = request.verb();
    if (verb.collection()) {
      return request.selectedNode().filter(node::equals).isPresent() ? null
          : "only with field selector spec.nodeName=" + node;
    }
    if (!BOUND_POD_VERBS.contains(verb)) {
      return "";
    }
    String notBound = "pod \"" + request.name() + "\" is not bound to it";
    if (!request.boundNode().get().filter(node::equals).isPresent()) {
      return notBound;
    }
    // a status write keeps the stored spec; one that names no node (an agent sends metadata and status
    // only) moves nothing, one that names another node is refused all the same
    if (verb == Verb.UPDATE_STATUS && request.newNode() != null && !request.newNode().isEmpty()
        && !request.newNode().equals(node)) {
      return notBound;
    }
    return null;
  }
}
