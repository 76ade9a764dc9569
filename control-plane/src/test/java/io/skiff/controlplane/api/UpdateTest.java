package io.skiff.controlplane.api;

import static io.skiff.controlplane.api.ApiTesting.assertRefused;
import static io.skiff.controlplane.api.ApiTesting.deployment;
import static io.skiff.controlplane.api.ApiTesting.deployments;
import static io.skiff.controlplane.api.ApiTesting.get;
import static io.skiff.controlplane.api.ApiTesting.modRevision;
import static io.skiff.controlplane.api.ApiTesting.pod;
import static io.skiff.controlplane.api.ApiTesting.podKey;
import static io.skiff.controlplane.api.ApiTesting.pods;
import static io.skiff.controlplane.api.ApiTesting.replicaSet;
import static io.skiff.controlplane.api.ApiTesting.replicaSets;
import static io.skiff.controlplane.api.ApiTesting.storeRevision;
import static io.skiff.controlplane.api.ApiTesting.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.google.protobuf.Timestamp;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.skiff.api.v1.Deployment;
import io.skiff.api.v1.LabelSelector;
import io.skiff.api.v1.Pod;
import io.skiff.api.v1.PodStatus;
import io.skiff.api.v1.ReplicaSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Update and UpdateStatus: optimistic concurrency, generation, what each verb may write, immutable fields. */
class UpdateTest extends OneAndThreeMasters {
  private static final String COUNTER = "example.com/counter";

  @Test
  void aStaleResourceVersionIsAbortedNamingTheCurrentOne() {
    String name = unique("web");
    Pod created = pods(writer()).create(pod("default", name).build());
    Pod updated = pods(writer()).update(withLabel(created, "rev", "2"));
    long current = updated.getMetadata().getResourceVersion();
    assertNotEquals(created.getMetadata().getResourceVersion(), current);

    assertRefused(Status.Code.ABORTED, () -> pods(reader()).update(withLabel(created, "rev", "3")),
        "pods \"" + name + "\"", "current resource_version " + current);
    assertRefused(Status.Code.ABORTED, () -> pods(reader()).updateStatus(created.toBuilder()
        .setStatus(PodStatus.newBuilder().setPhase("Running")).build()), "current resource_version " + current);
    assertEquals(updated, pods(reader()).get(get("default", name)));
    assertEquals(current, modRevision(cluster.master(0), podKey("default", name)));
  }

  @Test
  void concurrentReadModifyWritesLoseNoIncrement() throws Exception {
    String name = unique("counter");
    Pod.Builder counter = pod("default", name);
    counter.getMetadataBuilder().putAnnotations(COUNTER, "0");
    pods(writer()).create(counter.build());
    int threads = 8;
    int incrementsEach = 5;
    Set<Long> writtenVersions = ConcurrentHashMap.newKeySet();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        Channel channel = cluster.channel(t % cluster.size());
        done.add(pool.submit(() -> {
          for (int i = 0; i < incrementsEach; i++) {
            writtenVersions.add(increment(channel, name));
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }

    Pod last = pods(reader()).get(get("default", name));
    assertEquals(String.valueOf(threads * incrementsEach), last.getMetadata().getAnnotationsOrThrow(COUNTER));
    assertEquals(threads * incrementsEach, writtenVersions.size(), "every successful update has its own version");
    assertEquals(1, last.getMetadata().getGeneration(), "annotations are not the spec");
  }

  /** Reads, adds one, writes with the version read; retries on ABORTED. Returns the version written. */
  private static long increment(Channel channel, String name) {
    while (true) {
      Pod pod = pods(channel).get(get("default", name));
      int value = Integer.parseInt(pod.getMetadata().getAnnotationsOrThrow(COUNTER));
      Pod next = pod.toBuilder().setMetadata(pod.getMetadata().toBuilder()
          .putAnnotations(COUNTER, String.valueOf(value + 1))).build();
      try {
        return pods(channel).update(next).getMetadata().getResourceVersion();
      } catch (StatusRuntimeException e) {
        if (e.getStatus().getCode() != Status.Code.ABORTED) {
          throw e;
        }
      }
    }
  }

  @Test
  void theGenerationGrowsOnSpecChangesOnly() {
    String name = unique("web");
    Pod pod = pods(writer()).create(pod("default", name).build());
    assertEquals(1, pod.getMetadata().getGeneration());

    pod = pods(reader()).update(withLabel(pod, "tier", "front"));
    assertEquals(1, pod.getMetadata().getGeneration(), "a label");
    pod = pods(writer()).updateStatus(pod.toBuilder().setStatus(PodStatus.newBuilder().setPhase("Running")).build());
    assertEquals(1, pod.getMetadata().getGeneration(), "the status");
    pod = pods(reader()).update(withImage(pod, "busybox:1.37"));
    assertEquals(2, pod.getMetadata().getGeneration(), "an image");
    pod = pods(writer()).update(withLabel(pod, "tier", "back"));
    assertEquals(2, pod.getMetadata().getGeneration(), "a label again");
    pod = pods(reader()).update(withImage(pod, "busybox:1.38"));
    assertEquals(3, pod.getMetadata().getGeneration(), "another image");
    assertEquals(pod, pods(writer()).get(get("default", name)));

    Deployment deployment = deployments(writer()).create(deployment("default", unique("app")).build());
    deployment = deployments(reader()).update(deployment.toBuilder()
        .setSpec(deployment.getSpec().toBuilder().setReplicas(5)).build());
    assertEquals(2, deployment.getMetadata().getGeneration(), "a deployment's replicas");
  }

  @Test
  void updateKeepsTheStoredStatus() {
    String name = unique("web");
    Pod pod = pods(writer()).create(pod("default", name).build());
    pod = pods(writer()).updateStatus(pod.toBuilder().setStatus(PodStatus.newBuilder().setPhase("Running")).build());

    Pod updated = pods(reader()).update(withLabel(pod, "tier", "front").toBuilder()
        .setStatus(PodStatus.newBuilder().setPhase("Failed").setMessage("from Update")).build());

    assertEquals("front", updated.getMetadata().getLabelsOrThrow("tier"));
    assertEquals(pod.getStatus(), updated.getStatus());
    assertEquals(updated, pods(writer()).get(get("default", name)));
  }

  @Test
  void updateStatusKeepsTheStoredSpecAndMetadata() {
    String name = unique("web");
    Pod pod = pods(writer()).create(pod("default", name).build());

    Pod updated = pods(reader()).updateStatus(withImage(withLabel(pod, "tier", "front"), "nginx:1").toBuilder()
        .setStatus(PodStatus.newBuilder().setPhase("Running").setPodIp("10.0.0.7")).build());

    assertEquals(pod.getSpec(), updated.getSpec());
    assertEquals(pod.getMetadata().toBuilder().clearResourceVersion().build(),
        updated.getMetadata().toBuilder().clearResourceVersion().build());
    assertEquals("Running", updated.getStatus().getPhase());
    assertEquals("10.0.0.7", updated.getStatus().getPodIp());
    assertEquals(updated, pods(writer()).get(get("default", name)));
  }

  @Test
  void anUpdateKeepsTheServerSetMetadata() {
    String name = unique("web");
    Pod pod = pods(writer()).create(pod("default", name).build());

    Pod.Builder sent = withLabel(pod, "tier", "front").toBuilder();
    sent.getMetadataBuilder().setGeneration(99).setCreationTimestamp(Timestamp.newBuilder().setSeconds(1))
        .setDeletionTimestamp(Timestamp.newBuilder().setSeconds(2)).setDeletionGracePeriodSeconds(0);

    Pod updated = pods(reader()).update(sent.build());

    assertEquals(pod.getMetadata().toBuilder().putLabels("tier", "front").clearResourceVersion().build(),
        updated.getMetadata().toBuilder().clearResourceVersion().build(), "only the label changed");
    assertEquals(updated, pods(writer()).get(get("default", name)), "and the pod is not being deleted");
  }

  @Test
  void aPodsContainerNamesAreImmutable() {
    String name = unique("web");
    Pod pod = pods(writer()).create(pod("default", name).build());
    Pod renamed = pod.toBuilder().setSpec(pod.getSpec().toBuilder()
        .setContainers(0, pod.getSpec().getContainers(0).toBuilder().setName("renamed"))).build();

    assertRefused(Status.Code.INVALID_ARGUMENT, () -> pods(reader()).update(renamed),
        "Pod \"" + name + "\" is invalid", "spec.containers[0].name: Invalid value: \"renamed\": field is immutable");
    assertEquals(pod, pods(reader()).get(get("default", name)));
  }

  @Test
  void aPodsNodeNameMayBeSetOnceOnly() {
    String name = unique("web");
    Pod pod = pods(writer()).create(pod("default", name).build());
    Pod bound = pods(reader()).update(pod.toBuilder().setSpec(pod.getSpec().toBuilder().setNodeName("node-a")).build());
    assertEquals("node-a", bound.getSpec().getNodeName());

    assertRefused(Status.Code.INVALID_ARGUMENT, () -> pods(writer()).update(bound.toBuilder()
        .setSpec(bound.getSpec().toBuilder().setNodeName("node-b")).build()),
        "spec.nodeName: Invalid value: \"node-b\": field is immutable");
    assertRefused(Status.Code.INVALID_ARGUMENT, () -> pods(writer()).update(bound.toBuilder()
        .setSpec(bound.getSpec().toBuilder().clearNodeName()).build()), "spec.nodeName");
    assertEquals(bound, pods(reader()).get(get("default", name)));
  }

  @Test
  void aReplicaSetsSelectorIsImmutable() {
    String name = unique("rs");
    ReplicaSet rs = replicaSets(writer()).create(replicaSet("default", name).build());
    // the template is labelled to match the new selector too, so only the selector is wrong
    ReplicaSet changed = rs.toBuilder().setSpec(rs.getSpec().toBuilder()
        .setSelector(LabelSelector.newBuilder().putMatchLabels("tier", "front"))
        .setTemplate(rs.getSpec().getTemplate().toBuilder().setMetadata(rs.getSpec().getTemplate().getMetadata()
            .toBuilder().putLabels("tier", "front")))).build();

    assertRefused(Status.Code.INVALID_ARGUMENT, () -> replicaSets(reader()).update(changed),
        "ReplicaSet \"" + name + "\" is invalid", "spec.selector", "field is immutable");
    assertEquals(rs, replicaSets(reader()).get(get("default", name)));
  }

  @Test
  void aDeploymentsSelectorIsImmutable() {
    String name = unique("app");
    Deployment deployment = deployments(writer()).create(deployment("default", name).build());
    Deployment changed = deployment.toBuilder().setSpec(deployment.getSpec().toBuilder()
        .setSelector(LabelSelector.newBuilder().putMatchLabels("tier", "front"))
        .setTemplate(deployment.getSpec().getTemplate().toBuilder().setMetadata(deployment.getSpec().getTemplate()
            .getMetadata().toBuilder().putLabels("tier", "front")))).build();

    assertRefused(Status.Code.INVALID_ARGUMENT, () -> deployments(reader()).update(changed),
        "Deployment \"" + name + "\" is invalid", "spec.selector", "field is immutable");
    assertEquals(deployment, deployments(reader()).get(get("default", name)));
  }

  @Test
  void aNoOpUpdateKeepsTheResourceVersion() {
    String name = unique("web");
    pods(writer()).create(pod("default", name).build());
    Pod read = pods(reader()).get(get("default", name));
    long revision = storeRevision(cluster.master(0));

    assertEquals(read, pods(reader()).update(read), "Update with what was read");
    assertEquals(read, pods(writer()).updateStatus(read), "UpdateStatus with what was read");
    assertEquals(read, pods(writer()).update(read.toBuilder().setMetadata(read.getMetadata().toBuilder()
        .clearResourceVersion()).build()), "an unconditional Update with what was read");

    assertEquals(read.getMetadata().getResourceVersion(), modRevision(cluster.master(0), podKey("default", name)));
    assertEquals(revision, storeRevision(cluster.master(0)), "nothing written");
  }

  @Test
  void anUpdateOfAMissingObjectIsNotFound() {
    String name = unique("ghost");
    assertRefused(Status.Code.NOT_FOUND, () -> pods(writer()).update(pod("default", name).build()),
        "pods \"" + name + "\" not found");
    assertRefused(Status.Code.NOT_FOUND, () -> pods(writer()).updateStatus(pod("default", name).build()),
        "pods \"" + name + "\" not found");
  }

  @Test
  void anUpdateMayNotChangeTheUid() {
    String name = unique("web");
    Pod pod = pods(writer()).create(pod("default", name).build());

    assertRefused(Status.Code.INVALID_ARGUMENT, () -> pods(reader()).update(pod.toBuilder()
        .setMetadata(pod.getMetadata().toBuilder().setUid("another")).build()), "metadata.uid", "field is immutable");
    assertEquals(pod, pods(reader()).get(get("default", name)));
  }

  private static Pod withLabel(Pod pod, String key, String value) {
    return pod.toBuilder().setMetadata(pod.getMetadata().toBuilder().putLabels(key, value)).build();
  }

  private static Pod withImage(Pod pod, String image) {
    return pod.toBuilder().setSpec(pod.getSpec().toBuilder()
        .setContainers(0, pod.getSpec().getContainers(0).toBuilder().setImage(image))).build();
  }
}
