package io.skiff.client;

import io.skiff.api.v1.ClusterRoleBinding;
import io.skiff.api.v1.ClusterRoleBindingsGrpc;
import io.skiff.api.v1.Deployment;
import io.skiff.api.v1.DeploymentsGrpc;
import io.skiff.api.v1.Event;
import io.skiff.api.v1.EventsGrpc;
import io.skiff.api.v1.Lease;
import io.skiff.api.v1.LeasesGrpc;
import io.skiff.api.v1.Namespace;
import io.skiff.api.v1.NamespacesGrpc;
import io.skiff.api.v1.Node;
import io.skiff.api.v1.NodesGrpc;
import io.skiff.api.v1.Pod;
import io.skiff.api.v1.PodsGrpc;
import io.skiff.api.v1.ReplicaSet;
import io.skiff.api.v1.ReplicaSetsGrpc;
import io.skiff.api.v1.RoleBinding;
import io.skiff.api.v1.RoleBindingsGrpc;
import java.util.List;
import java.util.Optional;

/** Every kind the API serves. */
public final class ResourceTypes {
  public static final ResourceType<Namespace> NAMESPACES = new ResourceType<>("namespaces", "Namespace", "v1", false,
      Namespace.getDefaultInstance(), NamespacesGrpc.getServiceDescriptor(), List.of("ns"));
  public static final ResourceType<Node> NODES = new ResourceType<>("nodes", "Node", "v1", false,
      Node.getDefaultInstance(), NodesGrpc.getServiceDescriptor(), List.of("no"));
  public static final ResourceType<Pod> PODS = new ResourceType<>("pods", "Pod", "v1", true,
      Pod.getDefaultInstance(), PodsGrpc.getServiceDescriptor(), List.of("po"));
  public static final ResourceType<ReplicaSet> REPLICA_SETS = new ResourceType<>("replicasets", "ReplicaSet", "apps/v1",
      true, ReplicaSet.getDefaultInstance(), ReplicaSetsGrpc.getServiceDescriptor(), List.of("rs"));
  public static final ResourceType<Deployment> DEPLOYMENTS = new ResourceType<>("deployments", "Deployment", "apps/v1",
      true, Deployment.getDefaultInstance(), DeploymentsGrpc.getServiceDescriptor(), List.of("deploy"));
  public static final ResourceType<Event> EVENTS = new ResourceType<>("events", "Event", "v1", true,
      Event.getDefaultInstance(), EventsGrpc.getServiceDescriptor(), List.of("ev"));
  public static final ResourceType<Lease> LEASES = new ResourceType<>("leases", "Lease", "coordination.k8s.io/v1",
      true, Lease.getDefaultInstance(), LeasesGrpc.getServiceDescriptor(), List.of());
  public static final ResourceType<RoleBinding> ROLE_BINDINGS = new ResourceType<>("rolebindings", "RoleBinding",
      "rbac.authorization.k8s.io/v1", true, RoleBinding.getDefaultInstance(), RoleBindingsGrpc.getServiceDescriptor(),
      List.of());
  public static final ResourceType<ClusterRoleBinding> CLUSTER_ROLE_BINDINGS = new ResourceType<>(
      "clusterrolebindings", "ClusterRoleBinding", "rbac.authorization.k8s.io/v1", false,
      ClusterRoleBinding.getDefaultInstance(), ClusterRoleBindingsGrpc.getServiceDescriptor(), List.of());

  public static final List<ResourceType<?>> ALL =
      List.of(NAMESPACES, NODES, PODS, REPLICA_SETS, DEPLOYMENTS, EVENTS, LEASES, ROLE_BINDINGS,
          CLUSTER_ROLE_BINDINGS);

  private ResourceTypes() {
  }

  /** The type a user means by {@code name} ("po", "pods", "Pod"). */
  public static Optional<ResourceType<?>> named(String name) {
    return ALL.stream().filter(t -> t.isNamed(name)).findFirst();
  }
}
