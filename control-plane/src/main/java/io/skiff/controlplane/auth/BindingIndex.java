package io.skiff.controlplane.auth;

import io.skiff.api.v1.Subject;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Bindings in memory, indexed by subject so that a check costs a few map lookups. Written by one
 * feeder at a time (the watch of the binding kinds, or a test); read by every call. Bindings change
 * rarely, so each change rebuilds an immutable index that readers see whole (copy on write).
 */
public final class BindingIndex implements Bindings {
  /** Cluster-wide grants are kept under this namespace (no namespace is named so). */
  private static final String CLUSTER = "";

  /** Every binding by "namespace/name" ("/name" for ClusterRoleBindings); guarded by this. */
  private final Map<String, Grant> grants = new HashMap<>();
  /** Subject key ("User:bob", "Group:dev") → namespace ("" cluster-wide) → roles. Replaced, never changed. */
  private volatile Map<String, Map<String, Set<Role>>> index = Map.of();

  private record Grant(String namespace, Role role, List<Subject> subjects) {
  }

  /** Adds or replaces binding {@code name}; {@code namespace} "" for a ClusterRoleBinding. Unknown roles grant nothing. */
  public synchronized void put(String namespace, String name, String role, List<Subject> subjects) {
    Role known = Role.named(role).orElse(null);
    if (known == null) {
      grants.remove(namespace + "/" + name);
    } else {
      grants.put(namespace + "/" + name, new Grant(namespace, known, List.copyOf(subjects)));
    }
    rebuild();
  }

  public synchronized void remove(String namespace, String name) {
    grants.remove(namespace + "/" + name);
    rebuild();
  }

  /** Replaces every binding of one scope (namespaced when {@code namespaced}) with {@code bindings}, as after a relist. */
  public synchronized void replaceScope(boolean namespaced, Collection<Binding> bindings) {
    grants.values().removeIf(g -> g.namespace().isEmpty() != namespaced);
    for (Binding b : bindings) {
      Role.named(b.role()).ifPresent(role -> grants.put(b.namespace() + "/" + b.name(),
          new Grant(b.namespace(), role, List.copyOf(b.subjects()))));
    }
    rebuild();
  }

  /** One binding as read from the store. */
  public record Binding(String namespace, String name, String role, List<Subject> subjects) {
  }

  private void rebuild() {
    Map<String, Map<String, Set<Role>>> next = new HashMap<>();
    for (Grant grant : grants.values()) {
      for (Subject subject : grant.subjects()) {
        next.computeIfAbsent(subject.getKind() + ":" + subject.getName(), k -> new HashMap<>())
            .computeIfAbsent(grant.namespace(), k -> EnumSet.noneOf(Role.class)).add(grant.role());
      }
    }
    index = next;
  }

  @Override
  public Set<Role> clusterRoles(Identity who) {
    return roles(who, CLUSTER);
  }

  @Override
  public Set<Role> namespaceRoles(Identity who, String namespace) {
    return namespace.isEmpty() ? Set.of() : roles(who, namespace);
  }

  private Set<Role> roles(Identity who, String namespace) {
    Map<String, Map<String, Set<Role>>> current = index;
    Set<Role> roles = EnumSet.noneOf(Role.class);
    add(roles, current.get("User:" + who.user()), namespace);
    for (String group : who.groups()) {
      add(roles, current.get("Group:" + group), namespace);
    }
    return roles;
  }

  private static void add(Set<Role> roles, Map<String, Set<Role>> byNamespace, String namespace) {
    if (byNamespace != null) {
      Set<Role> found = byNamespace.get(namespace);
      if (found != null) {
        roles.addAll(found);
      }
    }
  }
}
