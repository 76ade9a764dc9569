package io.skiff.controlplane.auth;

import java.util.Optional;
import java.util.Set;

/**
 * Decides whether an identity may make a call, from the fixed roles and the node rules of
 * docs/security.md. Pure logic: bindings come through {@link Bindings}, stored objects through
 * the request's suppliers. Thread-safe.
 */
public final class Authorizer {
  /** The kinds edit and view cover (in a namespace). */
  static final Set<String> WORKLOADS = Set.of("pods", "replicasets", "deployments", "events", "leases");
  static final String NODE_LEASES_NAMESPACE = "skiff-system";

  private final Bindings bindings;

  public Authorizer(Bindings bindings) {
    this.bindings = bindings;
  }

  /** Empty when allowed; otherwise why not, as PERMISSION_DENIED says it. */
  public Optional<String> denial(Identity who, AccessRequest request) {
    if (who.inGroup(Identity.MASTERS_GROUP)) {
      return Optional.empty();
    }
    Optional<String> node = who.nodeName();
    if (node.isPresent()) {
      return NodeRules.denial(node.get(), request);
    }
    return allowedByRoles(who, request) ? Optional.empty() : Optional.of(Denials.cannot(who, request, null));
  }

  /** Methods outside the kinds: Cluster/AddMember and the Auth service's administration. */
  public boolean isClusterAdmin(Identity who) {
    return who.inGroup(Identity.MASTERS_GROUP) || bindings.clusterRoles(who).contains(Role.CLUSTER_ADMIN);
  }

  private boolean allowedByRoles(Identity who, AccessRequest request) {
    Set<Role> everywhere = bindings.clusterRoles(who);
    if (everywhere.contains(Role.CLUSTER_ADMIN)) {
      return true;
    }
    if (!request.type().namespaced()) {
      // a namespace's own object: anyone with a role in it may read it
      return request.resource().equals("namespaces") && request.verb() == Verb.GET
          && (!everywhere.isEmpty() || !bindings.namespaceRoles(who, request.name()).isEmpty());
    }
    if (request.namespace().isEmpty()) {
      return grants(everywhere, request);  // every namespace: only a cluster-wide grant covers them all
    }
    return grants(everywhere, request) || grants(bindings.namespaceRoles(who, request.namespace()), request);
  }

  /** Whether any of {@code roles}, held in the request's namespace, covers it. */
  private static boolean grants(Set<Role> roles, AccessRequest request) {
    for (Role role : roles) {
      boolean covered = switch (role) {
        case CLUSTER_ADMIN -> true;
        case EDIT -> WORKLOADS.contains(request.resource());
        case VIEW -> WORKLOADS.contains(request.resource()) && Verb.READS.contains(request.verb());
      };
      if (covered) {
        return true;
      }
    }
    return false;
  }
}
