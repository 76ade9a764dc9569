package io.skiff.agent.hollow;

import static org.awaitility.Awaitility.await;

import io.grpc.Channel;
import io.grpc.StatusRuntimeException;
import io.skiff.agent.PodTesting;
import io.skiff.api.v1.Condition;
import io.skiff.api.v1.Container;
import io.skiff.api.v1.Deployment;
import io.skiff.api.v1.DeploymentSpec;
import io.skiff.api.v1.DeploymentStrategy;
import io.skiff.api.v1.LabelSelector;
import io.skiff.api.v1.ListRequest;
import io.skiff.api.v1.ObjectMeta;
import io.skiff.api.v1.Pod;
import io.skiff.api.v1.PodSpec;
import io.skiff.api.v1.PodTemplateSpec;
import io.skiff.api.v1.ReplicaSet;
import io.skiff.api.v1.ResourceRequirements;
import io.skiff.api.v1.RollingUpdateDeployment;
import io.skiff.client.ResourceClient;
import io.skiff.client.ResourceTypes;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/** Deployments in "default" as the workload tests drive them: labelled app=NAME, one container, small requests. */
final class Workloads {
  static final Duration PATIENCE = Duration.ofSeconds(60);

  final ResourceClient<Deployment> deployments;
  final ResourceClient<ReplicaSet> replicaSets;
  final ResourceClient<Pod> pods;

  Workloads(Channel channel) {
    this.deployments = new ResourceClient<>(channel, ResourceTypes.DEPLOYMENTS, 10_000);
    this.replicaSets = new ResourceClient<>(channel, ResourceTypes.REPLICA_SETS, 10_000);
    this.pods = PodTesting.pods(channel);
  }

  /** A rolling Deployment (maxSurge 1, maxUnavailable 1) of {@code replicas} pods of {@code image}. */
  static Deployment deployment(String app, int replicas, String image, int minReadySeconds) {
    return Deployment.newBuilder()
        .setMetadata(ObjectMeta.newBuilder().setNamespace("default").setName(app))
        .setSpec(DeploymentSpec.newBuilder()
            .setReplicas(replicas)
            .setMinReadySeconds(minReadySeconds)
            .setSelector(LabelSelector.newBuilder().putMatchLabels("app", app))
            .setStrategy(DeploymentStrategy.newBuilder().setType("RollingUpdate")
                .setRollingUpdate(RollingUpdateDeployment.newBuilder().setMaxSurge("1").setMaxUnavailable("1")))
            .setTemplate(PodTemplateSpec.newBuilder()
                .setMetadata(ObjectMeta.newBuilder().putLabels("app", app))
                .setSpec(PodSpec.newBuilder().setTerminationGracePeriodSeconds(1)
                    .addContainers(Container.newBuilder().setName("main").setImage(image)
                        .setImagePullPolicy("IfNotPresent")
                        .setResources(ResourceRequirements.newBuilder().putRequests("cpu", "100m")
                            .putRequests("memory", "64Mi"))))))
        .build();
  }

  /** Changes the template's image (a new rollout), retrying conflicts and unavailable masters. */
  void setImage(String app, String image) {
    await().atMost(PATIENCE).ignoreException(StatusRuntimeException.class).until(() -> {
      Deployment d = deployments.get("default", app);
      PodSpec spec = d.getSpec().getTemplate().getSpec();
      deployments.update(d.toBuilder().setSpec(d.getSpec().toBuilder().setTemplate(d.getSpec().getTemplate()
          .toBuilder().setSpec(spec.toBuilder().setContainers(0, spec.getContainers(0).toBuilder()
              .setImage(image))))).build());
      return true;
    });
  }

  /** Waits until the controller has seen the Deployment's latest spec and its status satisfies {@code condition}. */
  Deployment awaitDeployment(String app, Predicate<Deployment> condition) {
    return await().atMost(PATIENCE).pollInterval(Duration.ofMillis(100))
        .ignoreException(StatusRuntimeException.class)
        .until(() -> deployments.get("default", app), d -> d.getStatus().getObservedGeneration()
            == d.getMetadata().getGeneration() && condition.test(d));
  }

  /** True when all {@code replicas} are updated, available and the only ones. */
  static boolean rolledOut(Deployment d, int replicas) {
    return d.getStatus().getUpdatedReplicas() == replicas && d.getStatus().getAvailableReplicas() == replicas
        && d.getStatus().getReplicas() == replicas;
  }

  static boolean condition(Deployment d, String type, String status) {
    for (Condition c : d.getStatus().getConditionsList()) {
      if (c.getType().equals(type)) {
        return c.getStatus().equals(status);
      }
    }
    return false;
  }

  /** The app's pods not being deleted. */
  List<Pod> podsOf(String app) {
    return pods.list(ListRequest.newBuilder().setNamespace("default").setLabelSelector("app=" + app).build())
        .items().stream().filter(p -> !p.getMetadata().hasDeletionTimestamp()).toList();
  }

  Set<String> images(String app) {
    return podsOf(app).stream().map(p -> p.getSpec().getContainers(0).getImage()).collect(Collectors.toSet());
  }

  List<ReplicaSet> replicaSetsOf(String app) {
    return replicaSets.list(ListRequest.newBuilder().setNamespace("default").setLabelSelector("app=" + app).build())
        .items();
  }
}
