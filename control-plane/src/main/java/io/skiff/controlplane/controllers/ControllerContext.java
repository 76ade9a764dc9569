package io.skiff.controlplane.controllers;

import io.grpc.Channel;
import io.skiff.api.v1.Deployment;
import io.skiff.api.v1.Event;
import io.skiff.api.v1.Lease;
import io.skiff.api.v1.Node;
import io.skiff.api.v1.ObjectMeta;
import io.skiff.api.v1.OwnerReference;
import io.skiff.api.v1.Pod;
import io.skiff.api.v1.ReplicaSet;
import io.skiff.client.ResourceClient;
import io.skiff.client.ResourceTypes;
import io.skiff.client.cache.Informer;
import io.skiff.client.events.EventRecorder;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * What the scheduler and controllers of one leadership term share: typed
 * clients whose writes carry the term's fencing token, one informer per kind
 * (so a thousand controllers' reads cost the masters one watch each), the event
 * recorder, the clock and the settings. Built when a master starts leading,
 * closed when it stops.
 */
public final class ControllerContext implements AutoCloseable {
  /** Index of pods by spec.nodeName ("" for unscheduled pods). */
  public static final String BY_NODE = "node";
  /** Index of pods, ReplicaSets and Deployments by the uid of their controlling owner. */
  public static final String BY_OWNER = "owner";
  /** Index of pods, ReplicaSets and Deployments by namespace: what a selector of a workload can pick from. */
  public static final String BY_NAMESPACE = "namespace";

  private final ResourceClient<Pod> podClient;
  private final ResourceClient<Node> nodeClient;
  private final ResourceClient<ReplicaSet> replicaSetClient;
  private final ResourceClient<Deployment> deploymentClient;
  private final ResourceClient<Lease> leaseClient;
  private final Informer<Pod> pods;
  private final Informer<Node> nodes;
  private final Informer<ReplicaSet> replicaSets;
  private final Informer<Deployment> deployments;
  private final Informer<Lease> leases;
  private final EventRecorder events;
  private final Clock clock;
  private final ControllerSettings settings;

  /** @param channel the way to the masters; writes through it must carry this term's fencing token */
  public ControllerContext(Channel channel, String identity, Clock clock, ControllerSettings settings) {
    long timeout = settings.requestTimeout().toMillis();
    this.podClient = new ResourceClient<>(channel, ResourceTypes.PODS, timeout);
    this.nodeClient = new ResourceClient<>(channel, ResourceTypes.NODES, timeout);
    this.replicaSetClient = new ResourceClient<>(channel, ResourceTypes.REPLICA_SETS, timeout);
    this.deploymentClient = new ResourceClient<>(channel, ResourceTypes.DEPLOYMENTS, timeout);
    this.leaseClient = new ResourceClient<>(channel, ResourceTypes.LEASES, timeout);
    this.pods = new Informer<>(podClient)
        .addIndex(BY_NODE, p -> List.of(p.getSpec().getNodeName()))
        .addIndex(BY_OWNER, p -> controllerUid(p.getMetadata()))
        .addIndex(BY_NAMESPACE, p -> List.of(p.getMetadata().getNamespace()));
    this.nodes = new Informer<>(nodeClient);
    this.replicaSets = new Informer<>(replicaSetClient)
        .addIndex(BY_OWNER, r -> controllerUid(r.getMetadata()))
        .addIndex(BY_NAMESPACE, r -> List.of(r.getMetadata().getNamespace()));
    this.deployments = new Informer<>(deploymentClient)
        .addIndex(BY_OWNER, d -> controllerUid(d.getMetadata()))
        .addIndex(BY_NAMESPACE, d -> List.of(d.getMetadata().getNamespace()));
    this.leases = new Informer<>(leaseClient);
    this.events = new EventRecorder(new ResourceClient<Event>(channel, ResourceTypes.EVENTS, timeout),
        "skiff-controller-manager", identity, clock);
    this.clock = clock;
    this.settings = settings;
  }

  /** The uid of an object's controlling owner, as a list for an index (empty when it has none). */
  public static List<String> controllerUid(ObjectMeta meta) {
    for (OwnerReference owner : meta.getOwnerReferencesList()) {
      if (owner.getController()) {
        return List.of(owner.getUid());
      }
    }
    return List.of();
  }

  /** Starts every informer and waits until each has listed; false if one did not in time. */
  public boolean startInformers(Duration timeout) throws InterruptedException {
    List<Informer<?>> all = List.of(nodes, pods, replicaSets, deployments, leases);
    all.forEach(Informer::start);
    long deadline = System.nanoTime() + timeout.toNanos();
    for (Informer<?> informer : all) {
      if (!informer.awaitSynced(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())))) {
        return false;
      }
    }
    return true;
  }

  public ResourceClient<Pod> podClient() {
    return podClient;
  }

  public ResourceClient<Node> nodeClient() {
    return nodeClient;
  }

  public ResourceClient<ReplicaSet> replicaSetClient() {
    return replicaSetClient;
  }

  public ResourceClient<Deployment> deploymentClient() {
    return deploymentClient;
  }

  public ResourceClient<Lease> leaseClient() {
    return leaseClient;
  }

  public Informer<Pod> pods() {
    return pods;
  }

  public Informer<Node> nodes() {
    return nodes;
  }

  public Informer<ReplicaSet> replicaSets() {
    return replicaSets;
  }

  public Informer<Deployment> deployments() {
    return deployments;
  }

  public Informer<Lease> leases() {
    return leases;
  }

  public EventRecorder events() {
    return events;
  }

  public Clock clock() {
    return clock;
  }

  public ControllerSettings settings() {
    return settings;
  }

  @Override
  public void close() {
    events.close();
    for (Informer<?> informer : List.of(nodes, pods, replicaSets, deployments, leases)) {
      informer.close();
    }
  }
}
