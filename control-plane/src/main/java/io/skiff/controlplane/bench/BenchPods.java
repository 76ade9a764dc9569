package io.skiff.controlplane.bench;

import io.skiff.api.v1.Container;
import io.skiff.api.v1.ContainerPort;
import io.skiff.api.v1.EnvVar;
import io.skiff.api.v1.HTTPGetAction;
import io.skiff.api.v1.ObjectMeta;
import io.skiff.api.v1.OwnerReference;
import io.skiff.api.v1.Pod;
import io.skiff.api.v1.PodSpec;
import io.skiff.api.v1.Probe;
import io.skiff.api.v1.ResourceRequirements;
import io.skiff.api.v1.Toleration;

/**
 * The pods the benchmarks write. {@link #pod}: what a Deployment's ReplicaSet creates for a typical
 * web service — three labels, an annotation, an owner reference, an application container (ports, env,
 * requests and limits, liveness and readiness probes) and a logging sidecar, a node selector and the
 * two default tolerations; about 1 KB as stored, after the server's defaults. {@link #small}: the
 * scheduler benchmark's pod, as Kubernetes' scheduler_perf uses one — one pause container with small
 * requests, so that ten thousand fit on a thousand nodes whatever their size.
 */
final class BenchPods {
  private BenchPods() {
  }

  static Pod pod(String namespace, String name) {
    return Pod.newBuilder()
        .setMetadata(ObjectMeta.newBuilder()
            .setNamespace(namespace)
            .setName(name)
            .putLabels("app", "checkout")
            .putLabels("tier", "backend")
            .putLabels("pod-template-hash", "7d9f8b6c5d")
            .putAnnotations("prometheus.io/scrape", "true")
            .addOwnerReferences(OwnerReference.newBuilder()
                .setApiVersion("apps/v1").setKind("ReplicaSet").setName("checkout-7d9f8b6c5d")
                .setUid("0b6a3c1e-4f1d-4c59-9a3e-5d2f8e7c6b1a").setController(true).setBlockOwnerDeletion(true)))
        .setSpec(PodSpec.newBuilder()
            .addContainers(Container.newBuilder()
                .setName("checkout")
                .setImage("registry.example.com/shop/checkout:2.14.3")
                .addPorts(ContainerPort.newBuilder().setName("http").setContainerPort(8080))
                .addPorts(ContainerPort.newBuilder().setName("metrics").setContainerPort(9090))
                .addEnv(env("LOG_LEVEL", "info"))
                .addEnv(env("DATABASE_HOST", "postgres.shop.svc.cluster.local"))
                .addEnv(env("CACHE_URL", "redis://redis.shop.svc.cluster.local:6379/0"))
                .addEnv(env("JAVA_TOOL_OPTIONS", "-XX:MaxRAMPercentage=75"))
                .setResources(ResourceRequirements.newBuilder()
                    .putRequests("cpu", "250m").putRequests("memory", "256Mi")
                    .putLimits("cpu", "1").putLimits("memory", "512Mi"))
                .setLivenessProbe(httpProbe("/healthz", 15))
                .setReadinessProbe(httpProbe("/ready", 5)))
            .addContainers(Container.newBuilder()
                .setName("log-shipper")
                .setImage("registry.example.com/infra/fluent-bit:3.0.7")
                .addArgs("--config=/etc/fluent-bit/fluent-bit.conf")
                .setResources(ResourceRequirements.newBuilder()
                    .putRequests("cpu", "50m").putRequests("memory", "64Mi")
                    .putLimits("memory", "128Mi")))
            .putNodeSelector("kubernetes.io/os", "linux")
            .addTolerations(Toleration.newBuilder().setKey("node.kubernetes.io/not-ready")
                .setOperator("Exists").setEffect("NoExecute").setTolerationSeconds(300))
            .addTolerations(Toleration.newBuilder().setKey("node.kubernetes.io/unreachable")
                .setOperator("Exists").setEffect("NoExecute").setTolerationSeconds(300)))
        .build();
  }

  static Pod small(String namespace, String name) {
    return Pod.newBuilder()
        .setMetadata(ObjectMeta.newBuilder().setNamespace(namespace).setName(name).putLabels("app", "sched-bench"))
        .setSpec(PodSpec.newBuilder()
            .addContainers(Container.newBuilder()
                .setName("pause")
                .setImage("registry.k8s.io/pause:3.10")
                .setResources(ResourceRequirements.newBuilder()
                    .putRequests("cpu", "10m").putRequests("memory", "16Mi"))))
        .build();
  }

  private static EnvVar env(String name, String value) {
    return EnvVar.newBuilder().setName(name).setValue(value).build();
  }

  private static Probe httpProbe(String path, int initialDelaySeconds) {
    return Probe.newBuilder()
        .setHttpGet(HTTPGetAction.newBuilder().setPath(path).setPort(8080))
        .setInitialDelaySeconds(initialDelaySeconds)
        .setPeriodSeconds(10)
        .build();
  }
}
