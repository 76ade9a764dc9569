package io.skiff.controlplane.kinds;

import io.skiff.api.v1.ClusterRoleBinding;
import io.skiff.api.v1.Deployment;
import io.skiff.api.v1.Event;
import io.skiff.api.v1.Lease;
import io.skiff.api.v1.Namespace;
import io.skiff.api.v1.Node;
import io.skiff.api.v1.Pod;
import io.skiff.api.v1.ReplicaSet;
import io.skiff.api.v1.RoleBinding;
import io.skiff.client.ResourceTypes;
import io.skiff.controlplane.registry.Kind;
import java.util.List;

/** Every kind the API serves, with its strategy. */
public final class Kinds {
  public static final Kind<Namespace> NAMESPACES = new Kind<>(ResourceTypes.NAMESPACES, new NamespaceStrategy());
  public static final Kind<Node> NODES = new Kind<>(ResourceTypes.NODES, new NodeStrategy());
  public static final Kind<Pod> PODS = new Kind<>(ResourceTypes.PODS, new PodStrategy());
  public static final Kind<ReplicaSet> REPLICA_SETS = new Kind<>(ResourceTypes.REPLICA_SETS, new ReplicaSetStrategy());
  public static final Kind<Deployment> DEPLOYMENTS = new Kind<>(ResourceTypes.DEPLOYMENTS, new DeploymentStrategy());
  public static final Kind<Event> EVENTS = new Kind<>(ResourceTypes.EVENTS, new EventStrategy());
  public static final Kind<Lease> LEASES = new Kind<>(ResourceTypes.LEASES, new LeaseStrategy());
  public static final Kind<RoleBinding> ROLE_BINDINGS =
      new Kind<>(ResourceTypes.ROLE_BINDINGS, new BindingStrategy<>(RoleBinding::getRole, RoleBinding::getSubjectsList));
  public static final Kind<ClusterRoleBinding> CLUSTER_ROLE_BINDINGS = new Kind<>(ResourceTypes.CLUSTER_ROLE_BINDINGS,
      new BindingStrategy<>(ClusterRoleBinding::getRole, ClusterRoleBinding::getSubjectsList));

  public static final List<Kind<?>> ALL =
      List.of(NAMESPACES, NODES, PODS, REPLICA_SETS, DEPLOYMENTS, EVENTS, LEASES, ROLE_BINDINGS, CLUSTER_ROLE_BINDINGS);

  /** Namespace names that always exist. */
  public static final List<String> SYSTEM_NAMESPACES = List.of("default", "skiff-system");

  private Kinds() {
  }

  /** True when the namespace may take no new objects: it is being deleted. */
  public static boolean terminating(Namespace namespace) {
    return namespace.getMetadata().hasDeletionTimestamp()
        || NamespaceStrategy.TERMINATING.equals(namespace.getStatus().getPhase());
  }

  /** The namespace with its content finalizer removed: the cleaner's last step. */
  public static Namespace contentRemoved(Namespace namespace) {
    return namespace.toBuilder().setSpec(namespace.getSpec().toBuilder().clearFinalizers()
        .addAllFinalizers(namespace.getSpec().getFinalizersList().stream()
            .filter(f -> !f.equals(NamespaceStrategy.CONTENT_FINALIZER)).toList())).build();
  }
}
