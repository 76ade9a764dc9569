package io.skiff.controlplane.auth;

import java.util.Set;

/** The roles granted to an identity (its user and its groups) by RoleBindings and ClusterRoleBindings. */
public interface Bindings {
  /** Roles from ClusterRoleBindings: granted in every namespace (and, for cluster-admin, cluster-wide). */
  Set<Role> clusterRoles(Identity who);

  /** Roles from RoleBindings in {@code namespace} only. */
  Set<Role> namespaceRoles(Identity who, String namespace);
}
