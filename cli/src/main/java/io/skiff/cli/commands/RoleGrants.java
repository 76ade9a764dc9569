package io.skiff.cli.commands;

import io.skiff.api.v1.ClusterRoleBinding;
import io.skiff.api.v1.ClusterRoleBindingsGrpc;
import io.skiff.api.v1.ObjectMeta;
import io.skiff.api.v1.RoleBinding;
import io.skiff.api.v1.RoleBindingsGrpc;
import io.skiff.api.v1.Subject;
import io.skiff.cli.CliException;
import io.skiff.cli.Session;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The --role of {@code skiff token create} and {@code skiff certificate create}: one of the three
 * fixed roles granted to a user by a RoleBinding in a namespace, or everywhere by a
 * ClusterRoleBinding when no namespace is given.
 */
final class RoleGrants {
  static final List<String> ROLES = List.of("cluster-admin", "edit", "view");

  private RoleGrants() {
  }

  /** CliException unless {@code role} is one of the roles; null (no role) passes. */
  static void check(String role) {
    if (role != null && !ROLES.contains(role)) {
      throw new CliException("--role: \"" + role + "\" is not one of " + String.join(", ", ROLES));
    }
  }

  /** A binding's name made from {@code text}: lower case, [a-z0-9.-] only. */
  static String name(String text) {
    return text.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9.-]", "-");
  }

  /** Grants {@code role} to {@code user}; returns what it did, for the user. */
  static String grant(Session session, String role, String namespace, String bindingName, String user) {
    List<Subject> subjects = List.of(Subject.newBuilder().setKind("User").setName(user).build());
    if (namespace != null && !namespace.isEmpty()) {
      RoleBindingsGrpc.newBlockingStub(session.channel())
          .withDeadlineAfter(session.timeout().toMillis(), TimeUnit.MILLISECONDS)
          .create(RoleBinding.newBuilder().setApiVersion("rbac.authorization.k8s.io/v1").setKind("RoleBinding")
              .setMetadata(ObjectMeta.newBuilder().setName(bindingName).setNamespace(namespace))
              .setRole(role).addAllSubjects(subjects).build());
      return "RoleBinding " + bindingName + " grants " + role + " to user \"" + user + "\" in namespace \""
          + namespace + "\".";
    }
    ClusterRoleBindingsGrpc.newBlockingStub(session.channel())
        .withDeadlineAfter(session.timeout().toMillis(), TimeUnit.MILLISECONDS)
        .create(ClusterRoleBinding.newBuilder().setApiVersion("rbac.authorization.k8s.io/v1")
            .setKind("ClusterRoleBinding").setMetadata(ObjectMeta.newBuilder().setName(bindingName))
            .setRole(role).addAllSubjects(subjects).build());
    return "ClusterRoleBinding " + bindingName + " grants " + role + " to user \"" + user + "\" in every namespace.";
  }
}
