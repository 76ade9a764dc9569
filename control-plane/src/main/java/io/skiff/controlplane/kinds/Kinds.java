package io.skiff.controlplane.kinds;

import com.google.protobuf.Message;
import io.grpc.ServiceDescriptor;
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
import io.skiff.controlplane.registry.Kind;
import java.util.List;

/** Every kind the API serves, with the gRPC service that serves it. */
public final class Kinds {
  public static final Kind<Namespace> NAMESPACES =
      new Kind<>("namespaces", "Namespace", "v1", false, Namespace.getDefaultInstance(), new NamespaceStrategy());
  public static final Kind<Node> NODES =
      new Kind<>("nodes", "Node", "v1", false, Node.getDefaultInstance(), new NodeStrategy());
  public static final Kind<Pod> PODS =
      new Kind<>("pods", "Pod", "v1", true, Pod.getDefaultInstance(), new PodStrategy());
  public static final Kind<ReplicaSet> REPLICA_SETS = new Kind<>("replicasets", "ReplicaSet", "apps/v1", true,
      ReplicaSet.getDefaultInstance(), new ReplicaSetStrategy());
  public static final Kind<Deployment> DEPLOYMENTS = new Kind<>("deployments", "Deployment", "apps/v1", true,
      Deployment.getDefaultInstance(), new DeploymentStrategy());
  public static final Kind<Event> EVENTS =
      new Kind<>("events", "Event", "v1", true, Event.getDefaultInstance(), new EventStrategy());
  public static final Kind<Lease> LEASES = new Kind<>("leases", "Lease", "coordination.k8s.io/v1", true,
      Lease.getDefaultInstance(), new LeaseStrategy());

  /** A kind and its service (e.g. pods and {@code skiff.api.v1.Pods}). */
  public record Served<T extends Message>(Kind<T> kind, ServiceDescriptor service) {
  }

  public static final List<Served<?>> ALL = List.of(
      new Served<>(NAMESPACES, NamespacesGrpc.getServiceDescriptor()),
      new Served<>(NODES, NodesGrpc.getServiceDescriptor()),
      new Served<>(PODS, PodsGrpc.getServiceDescriptor()),
      new Served<>(REPLICA_SETS, ReplicaSetsGrpc.getServiceDescriptor()),
      new Served<>(DEPLOYMENTS, DeploymentsGrpc.getServiceDescriptor()),
      new Served<>(EVENTS, EventsGrpc.getServiceDescriptor()),
      new Served<>(LEASES, LeasesGrpc.getServiceDescriptor()));

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
