package io.skiff.e2e;

import static org.awaitility.Awaitility.await;

import io.grpc.Channel;
import io.grpc.StatusRuntimeException;
import io.skiff.api.v1.Container;
import io.skiff.api.v1.Deployment;
import io.skiff.api.v1.DeploymentSpec;
import io.skiff.api.v1.LabelSelector;
import io.skiff.api.v1.ListRequest;
import io.skiff.api.v1.ObjectMeta;
import io.skiff.api.v1.Pod;
import io.skiff.api.v1.PodSpec;
import io.skiff.api.v1.PodTemplateSpec;
import io.skiff.api.v1.ResourceRequirements;
import io.skiff.client.ResourceClient;
import io.skiff.client.ResourceTypes;
import java.time.Duration;
import java.util.List;

/** Deployments in "default" labelled app=NAME, as the tests drive them, over one channel. */
final class Deployments {
  static final Duration PATIENCE = Duration.ofSeconds(90);

  final ResourceClient<Deployment> deployments;
  final ResourceClient<Pod> pods;

  Deployments(Channel channel) {
    this.deployments = new ResourceClient<>(channel, ResourceTypes.DEPLOYMENTS, 10_000);
    this.pods = new ResourceClient<>(channel, ResourceTypes.PODS, 10_000);
  }

  /** {@code replicas} pods of one busybox container running {@code script}. */
  static Deployment of(String app, int replicas, String script) {
    return Deployment.newBuilder()
        .setMetadata(ObjectMeta.newBuilder().setNamespace("default").setName(app))
        .setSpec(DeploymentSpec.newBuilder()
            .setReplicas(replicas)
            .setSelector(LabelSelector.newBuilder().putMatchLabels("app", app))
            .setTemplate(PodTemplateSpec.newBuilder()
                .setMetadata(ObjectMeta.newBuilder().putLabels("app", app))
                .setSpec(PodSpec.newBuilder().setTerminationGracePeriodSeconds(1).setRestartPolicy("Always")
                    .addContainers(Container.newBuilder().setName("main").setImage("localhost/busybox:latest")
                        .setImagePullPolicy("IfNotPresent").addCommand("sh").addCommand("-c").addCommand(script)
                        .setResources(ResourceRequirements.newBuilder().putRequests("cpu", "100m")
                            .putRequests("memory", "32Mi"))))))
        .build();
  }

  /** Sets the replica count, retrying conflicts and masters that are away. */
  void scale(String app, int replicas) {
    await("scale " + app + " to " + replicas).atMost(PATIENCE).ignoreException(StatusRuntimeException.class)
        .until(() -> {
          Deployment d = deployments.get("default", app);
          deployments.update(d.toBuilder().setSpec(d.getSpec().toBuilder().setReplicas(replicas)).build());
          return true;
        });
  }

  /** Waits until the controller has seen the latest spec and all {@code replicas} are updated and available. */
  Deployment awaitAvailable(String app, int replicas) {
    return await(app + " available with " + replicas + " replicas").atMost(PATIENCE)
        .pollInterval(Duration.ofMillis(100)).ignoreException(StatusRuntimeException.class)
        .until(() -> deployments.get("default", app), d -> d.getStatus().getObservedGeneration()
            == d.getMetadata().getGeneration() && d.getStatus().getReplicas() == replicas
            && d.getStatus().getUpdatedReplicas() == replicas && d.getStatus().getAvailableReplicas() == replicas);
  }

  /** The app's pods not being deleted. */
  List<Pod> podsOf(String app) {
    return pods.list(ListRequest.newBuilder().setNamespace("default").setLabelSelector("app=" + app).build())
        .items().stream().filter(p -> !p.getMetadata().hasDeletionTimestamp()).toList();
  }
}
