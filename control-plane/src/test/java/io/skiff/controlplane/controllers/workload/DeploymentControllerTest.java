package io.skiff.controlplane.controllers.workload;

import static io.skiff.controlplane.controllers.workload.WorkloadHarness.awaitUntil;
import static io.skiff.controlplane.controllers.workload.WorkloadHarness.deployment;
import static io.skiff.controlplane.controllers.workload.WorkloadHarness.update;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skiff.api.v1.Deployment;
import io.skiff.api.v1.DeploymentSpec;
import io.skiff.api.v1.DeploymentStatus;
import io.skiff.api.v1.DeploymentStrategy;
import io.skiff.api.v1.Pod;
import io.skiff.api.v1.PodTemplateSpec;
import io.skiff.api.v1.ReplicaSet;
import io.skiff.api.v1.RollingUpdateDeployment;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Deployment controller (with the ReplicaSet controller under it) against
 * a real master; the stand-in kubelet makes each pod ready 100 ms after it
 * appears, so rollouts pass through states where new pods are not ready yet.
 * Each test works in its own namespace.
 */
class DeploymentControllerTest {
  @TempDir
  static Path dataDir;
  static WorkloadHarness harness;

  @BeforeAll
  static void start() throws Exception {
    harness = WorkloadHarness.start(dataDir, Duration.ofMillis(100));
  }

  @AfterAll
  static void stop() throws Exception {
    if (harness != null) {
      harness.close();
    }
  }

  @Test
  void aDeploymentOfFiveBecomesAvailable() {
    String ns = harness.namespace("deploy-available");
    Deployment created = harness.deployments.create(deployment(ns, "web", 5, "nginx:1"));
    Deployment d = awaitRolledOut(ns, "web");

    DeploymentStatus status = d.getStatus();
    assertEquals(List.of(1L, 5, 5, 5, 5, 0), List.of(status.getObservedGeneration(), status.getReplicas(),
        status.getUpdatedReplicas(), status.getReadyReplicas(), status.getAvailableReplicas(),
        status.getUnavailableReplicas()));
    assertEquals("True/MinimumReplicasAvailable", condition(d, "Available"));
    assertEquals("True/NewReplicaSetAvailable", condition(d, "Progressing"));
    assertEquals("1", d.getMetadata().getAnnotationsOrThrow(Revisions.REVISION));

    ReplicaSet rs = harness.replicaSets(ns).get(0);
    String hash = rs.getSpec().getSelector().getMatchLabelsOrThrow("pod-template-hash");
    assertEquals("web-" + hash, rs.getMetadata().getName());
    assertEquals(hash, rs.getSpec().getTemplate().getMetadata().getLabelsOrThrow("pod-template-hash"));
    assertEquals("1", rs.getMetadata().getAnnotationsOrThrow(Revisions.REVISION));
    assertEquals(created.getMetadata().getUid(), rs.getMetadata().getOwnerReferences(0).getUid());
    List<Pod> pods = harness.pods(ns);
    assertEquals(5, pods.size());
    assertTrue(pods.stream().allMatch(p -> hash.equals(p.getMetadata().getLabelsOrThrow("pod-template-hash"))));
    awaitUntil("the scaling event", () -> harness.events(ns), events -> events.stream().anyMatch(e ->
        e.getReason().equals("ScalingReplicaSet") && e.getMessage().equals("Scaled up replica set web-" + hash
            + " to 5")));
  }

  @Test
  void aRollingUpdateReplacesEveryPodWithinItsSurgeAndUnavailability() {
    String ns = harness.namespace("deploy-rolling");
    // 30% of 5: a surge of 2 (rounded up), 1 unavailable (rounded down)
    harness.deployments.create(withSpec(deployment(ns, "web", 5, "nginx:1"), spec -> spec.setStrategy(
        DeploymentStrategy.newBuilder().setType("RollingUpdate").setRollingUpdate(
            RollingUpdateDeployment.newBuilder().setMaxSurge("30%").setMaxUnavailable("30%")))));
    awaitRolledOut(ns, "web");

    try (PodCensus census = new PodCensus(harness.pods, ns)) {
      setImage(ns, "web", "nginx:2");
      awaitRolledOut(ns, "web");
      awaitUntil("the census to see the new pods only", census::live, live -> live.size() == 5
          && live.stream().allMatch(p -> PodCensus.image(p).equals("nginx:2") && PodStates.isReady(p)));
      assertTrue(census.minReady() >= 4, "ready pods fell to " + census.minReady());
      assertTrue(census.maxTotal() <= 7, "pods rose to " + census.maxTotal());
    }
    List<ReplicaSet> replicaSets = byRevision(harness.replicaSets(ns));
    assertEquals(List.of(0, 5), replicaSets.stream().map(rs -> rs.getSpec().getReplicas()).toList());
    assertEquals("2", replicaSets.get(1).getMetadata().getAnnotationsOrThrow(Revisions.REVISION));
  }

  @Test
  void recreateRemovesEveryOldPodBeforeStartingANewOne() {
    String ns = harness.namespace("deploy-recreate");
    harness.deployments.create(withSpec(deployment(ns, "web", 3, "nginx:1"),
        spec -> spec.setStrategy(DeploymentStrategy.newBuilder().setType("Recreate"))));
    awaitRolledOut(ns, "web");

    try (PodCensus census = new PodCensus(harness.pods, ns)) {
      setImage(ns, "web", "nginx:2");
      awaitRolledOut(ns, "web");
      awaitUntil("the census to see the new pods only", census::live, live -> live.size() == 3
          && live.stream().allMatch(p -> PodCensus.image(p).equals("nginx:2")));
      assertEquals(1, census.maxImagesAtOnce(), "old and new pods never ran together");
    }
  }

  @Test
  void rollingBackRestoresThePreviousTemplateAndReusesItsReplicaSet() {
    String ns = harness.namespace("deploy-rollback");
    harness.deployments.create(deployment(ns, "web", 3, "nginx:1"));
    awaitRolledOut(ns, "web");
    ReplicaSet first = harness.replicaSets(ns).get(0);
    setImage(ns, "web", "nginx:2");
    awaitRolledOut(ns, "web");

    // what `skiff rollout undo` does: the previous revision's template, without the controller's label
    PodTemplateSpec previous = PodTemplateHash.withoutLabel(first.getSpec().getTemplate());
    update(harness.deployments, ns, "web", d -> withSpec(d, spec -> spec.setTemplate(previous)));
    Deployment d = awaitRolledOut(ns, "web");

    assertEquals("3", d.getMetadata().getAnnotationsOrThrow(Revisions.REVISION));
    List<ReplicaSet> replicaSets = byRevision(harness.replicaSets(ns));
    assertEquals(2, replicaSets.size(), "no third replica set");
    ReplicaSet restored = replicaSets.get(1);
    assertEquals(first.getMetadata().getUid(), restored.getMetadata().getUid());
    assertEquals(3, restored.getSpec().getReplicas());
    assertEquals("3", restored.getMetadata().getAnnotationsOrThrow(Revisions.REVISION));
    assertEquals("1", restored.getMetadata().getAnnotationsOrThrow(Revisions.REVISION_HISTORY));
    assertEquals(0, replicaSets.get(0).getSpec().getReplicas());
    awaitUntil("the old pods only", () -> harness.pods(ns),
        pods -> pods.size() == 3 && pods.stream().allMatch(p -> PodCensus.image(p).equals("nginx:1")));
  }

  @Test
  void aPausedDeploymentScalesButDoesNotRollOut() {
    String ns = harness.namespace("deploy-paused");
    harness.deployments.create(deployment(ns, "web", 2, "nginx:1"));
    awaitRolledOut(ns, "web");

    update(harness.deployments, ns, "web", d -> withSpec(d, spec -> spec.setPaused(true)
        .setTemplate(WorkloadHarness.template(Map.of("app", "web"), "nginx:2"))));
    // once the change is observed, whatever the controller did about it is done
    Deployment paused = awaitUntil("the pause to be observed", () -> harness.deployments.get(ns, "web"),
        d -> d.getStatus().getObservedGeneration() == d.getMetadata().getGeneration());
    assertEquals("Unknown/DeploymentPaused", condition(paused, "Progressing"));
    assertEquals(1, harness.replicaSets(ns).size());

    update(harness.deployments, ns, "web", d -> withSpec(d, spec -> spec.setReplicas(3)));
    awaitUntil("the scale-up while paused", () -> harness.deployments.get(ns, "web"),
        d -> d.getStatus().getAvailableReplicas() == 3);
    assertEquals(1, harness.replicaSets(ns).size());
    assertTrue(harness.pods(ns).stream().allMatch(p -> PodCensus.image(p).equals("nginx:1")));

    update(harness.deployments, ns, "web", d -> withSpec(d, spec -> spec.setPaused(false)));
    awaitRolledOut(ns, "web");
    awaitUntil("the new pods only", () -> harness.pods(ns),
        pods -> pods.size() == 3 && pods.stream().allMatch(p -> PodCensus.image(p).equals("nginx:2")));
  }

  @Test
  void revisionHistoryLimitDeletesTheOldestReplicaSets() {
    String ns = harness.namespace("deploy-history");
    harness.deployments.create(withSpec(deployment(ns, "web", 1, "nginx:1"),
        spec -> spec.setRevisionHistoryLimit(1)));
    awaitRolledOut(ns, "web");
    for (String image : List.of("nginx:2", "nginx:3")) {
      setImage(ns, "web", image);
      awaitRolledOut(ns, "web");
    }
    List<ReplicaSet> kept = awaitUntil("the history to be trimmed", () -> harness.replicaSets(ns),
        replicaSets -> replicaSets.size() == 2);
    assertEquals(List.of("2", "3"), byRevision(kept).stream()
        .map(rs -> rs.getMetadata().getAnnotationsOrThrow(Revisions.REVISION)).toList());
  }

  @Test
  void aRolloutWithoutProgressPastItsDeadlineIsReported() {
    String ns = harness.namespace("deploy-deadline");
    harness.kubelet.hold(pod -> pod.getMetadata().getNamespace().equals(ns));
    try {
      harness.deployments.create(withSpec(deployment(ns, "web", 2, "nginx:1"),
          spec -> spec.setProgressDeadlineSeconds(1)));
      // nothing changes when the deadline passes: the controller looks again by itself
      awaitUntil("the deadline to pass", () -> harness.deployments.get(ns, "web"),
          d -> condition(d, "Progressing").equals("False/ProgressDeadlineExceeded"));
    } finally {
      harness.kubelet.releaseAll();
    }
    Deployment d = awaitRolledOut(ns, "web");
    awaitUntil("progress to be reported", () -> harness.deployments.get(ns, "web"),
        later -> condition(later, "Progressing").equals("True/NewReplicaSetAvailable"));
    assertEquals("True/MinimumReplicasAvailable", condition(d, "Available"));
  }

  /** Waits as `skiff rollout status` does: the latest spec observed, every replica updated and available. */
  private static Deployment awaitRolledOut(String ns, String name) {
    return awaitUntil("the rollout of " + name, () -> harness.deployments.get(ns, name), d -> {
      DeploymentStatus s = d.getStatus();
      int desired = d.getSpec().getReplicas();
      return s.getObservedGeneration() >= d.getMetadata().getGeneration() && s.getUpdatedReplicas() == desired
          && s.getReplicas() == desired && s.getAvailableReplicas() == desired;
    });
  }

  private static void setImage(String ns, String name, String image) {
    update(harness.deployments, ns, name, d -> withSpec(d, spec -> spec.setTemplate(
        spec.getTemplate().toBuilder().setSpec(spec.getTemplate().getSpec().toBuilder()
            .setContainers(0, spec.getTemplate().getSpec().getContainers(0).toBuilder().setImage(image))))));
  }

  private static Deployment withSpec(Deployment d, UnaryOperator<DeploymentSpec.Builder> change) {
    return d.toBuilder().setSpec(change.apply(d.getSpec().toBuilder())).build();
  }

  /** "status/reason" of the condition, or "" without one. */
  private static String condition(Deployment d, String type) {
    return DeploymentConditions.get(d.getStatus(), type).map(c -> c.getStatus() + "/" + c.getReason()).orElse("");
  }

  private static List<ReplicaSet> byRevision(List<ReplicaSet> replicaSets) {
    return replicaSets.stream().sorted(Comparator.comparingLong(rs -> Revisions.of(rs.getMetadata()))).toList();
  }
}
