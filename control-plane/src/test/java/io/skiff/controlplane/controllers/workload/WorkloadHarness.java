package io.skiff.controlplane.controllers.workload;

import static org.awaitility.Awaitility.await;

import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.skiff.api.v1.Container;
import io.skiff.api.v1.Deployment;
import io.skiff.api.v1.DeploymentSpec;
import io.skiff.api.v1.Event;
import io.skiff.api.v1.LabelSelector;
import io.skiff.api.v1.ListRequest;
import io.skiff.api.v1.ObjectMeta;
import io.skiff.api.v1.Pod;
import io.skiff.api.v1.PodSpec;
import io.skiff.api.v1.PodTemplateSpec;
import io.skiff.api.v1.ReplicaSet;
import io.skiff.api.v1.ReplicaSetSpec;
import io.skiff.client.ResourceClient;
import io.skiff.client.ResourceTypes;
import io.skiff.controlplane.controllers.ControllerContext;
import io.skiff.controlplane.controllers.ControllerSettings;
import io.skiff.controlplane.testing.MasterCluster;
import io.skiff.controlplane.testing.PodWrites;
import io.skiff.controlplane.testing.StandInKubelet;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * What the workload controller tests share: one real master, a
 * ControllerContext on a channel to it with the ReplicaSet and Deployment
 * controllers started, a {@link StandInKubelet} that makes pods ready, and
 * clients of the kinds as a user has them.
 */
final class WorkloadHarness implements AutoCloseable {
  static final Duration PATIENCE = Duration.ofSeconds(30);

  final ResourceClient<Pod> pods;
  final ResourceClient<ReplicaSet> replicaSets;
  final ResourceClient<Deployment> deployments;
  final ResourceClient<Event> events;
  final StandInKubelet kubelet;
  private final MasterCluster cluster;
  private final ControllerContext ctx;
  private final List<AutoCloseable> controllers;

  private WorkloadHarness(MasterCluster cluster, Duration readyDelay) throws InterruptedException {
    this.cluster = cluster;
    Channel channel = cluster.channel(0);
    pods = new ResourceClient<>(channel, ResourceTypes.PODS, PATIENCE.toMillis());
    replicaSets = new ResourceClient<>(channel, ResourceTypes.REPLICA_SETS, PATIENCE.toMillis());
    deployments = new ResourceClient<>(channel, ResourceTypes.DEPLOYMENTS, PATIENCE.toMillis());
    events = new ResourceClient<>(channel, ResourceTypes.EVENTS, PATIENCE.toMillis());
    ctx = new ControllerContext(channel, "workload-test", Clock.systemUTC(), ControllerSettings.defaults());
    if (!ctx.startInformers(PATIENCE)) {
      throw new IllegalStateException("informers did not sync in " + PATIENCE);
    }
    ReplicaSetController rsController = new ReplicaSetController(ctx);
    DeploymentController deploymentController = new DeploymentController(ctx);
    rsController.start();
    deploymentController.start();
    controllers = List.of(deploymentController, rsController);
    kubelet = new StandInKubelet(channel, readyDelay).start();
  }

  /** One master, the controllers, and a stand-in kubelet that marks pods ready {@code readyDelay} after it sees them. */
  static WorkloadHarness start(Path dataDir, Duration readyDelay) throws Exception {
    return new WorkloadHarness(MasterCluster.start(1, dataDir), readyDelay);
  }

  String namespace(String name) {
    PodWrites.createNamespace(cluster.channel(0), name);
    return name;
  }

  List<Pod> pods(String namespace) {
    return pods.list(ListRequest.newBuilder().setNamespace(namespace).build()).items();
  }

  List<ReplicaSet> replicaSets(String namespace) {
    return replicaSets.list(ListRequest.newBuilder().setNamespace(namespace).build()).items();
  }

  List<Event> events(String namespace) {
    return events.list(ListRequest.newBuilder().setNamespace(namespace).build()).items();
  }

  /** Read, change, write, again on a conflict (the controllers write too). */
  static <T extends com.google.protobuf.Message> T update(ResourceClient<T> client, String namespace, String name,
      UnaryOperator<T> change) {
    while (true) {
      try {
        return client.update(change.apply(client.get(namespace, name)));
      } catch (StatusRuntimeException e) {
        if (e.getStatus().getCode() != Status.Code.ABORTED) {
          throw e;
        }
      }
    }
  }

  /** Polls {@code read} until {@code done} holds; returns what satisfied it. */
  static <T> T awaitUntil(String what, Supplier<T> read, Predicate<T> done) {
    return await(what).atMost(PATIENCE).pollInterval(Duration.ofMillis(20)).until(read::get, done::test);
  }

  static ReplicaSet replicaSet(String namespace, String name, int replicas, Map<String, String> labels) {
    return ReplicaSet.newBuilder()
        .setMetadata(ObjectMeta.newBuilder().setNamespace(namespace).setName(name))
        .setSpec(ReplicaSetSpec.newBuilder().setReplicas(replicas)
            .setSelector(LabelSelector.newBuilder().putAllMatchLabels(labels))
            .setTemplate(template(labels, "busybox:1")))
        .build();
  }

  /** A deployment of pods labelled app=NAME running {@code image}, with the server's defaults otherwise. */
  static Deployment deployment(String namespace, String name, int replicas, String image) {
    Map<String, String> labels = Map.of("app", name);
    return Deployment.newBuilder()
        .setMetadata(ObjectMeta.newBuilder().setNamespace(namespace).setName(name))
        .setSpec(DeploymentSpec.newBuilder().setReplicas(replicas)
            .setSelector(LabelSelector.newBuilder().putAllMatchLabels(labels))
            .setTemplate(template(labels, image)))
        .build();
  }

  static PodTemplateSpec template(Map<String, String> labels, String image) {
    return PodTemplateSpec.newBuilder()
        .setMetadata(ObjectMeta.newBuilder().putAllLabels(labels))
        .setSpec(PodSpec.newBuilder().addContainers(Container.newBuilder().setName("main").setImage(image)))
        .build();
  }

  @Override
  public void close() throws Exception {
    kubelet.close();
    for (AutoCloseable controller : controllers) {
      controller.close();
    }
    ctx.close();
    cluster.close();
  }
}
