package io.skiff.controlplane.controllers.workload;

import static io.skiff.controlplane.controllers.workload.WorkloadHarness.awaitUntil;
import static io.skiff.controlplane.controllers.workload.WorkloadHarness.replicaSet;
import static io.skiff.controlplane.controllers.workload.WorkloadHarness.update;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skiff.api.v1.DeleteRequest;
import io.skiff.api.v1.OwnerReference;
import io.skiff.api.v1.Pod;
import io.skiff.api.v1.ReplicaSet;
import io.skiff.api.v1.ReplicaSetStatus;
import io.skiff.controlplane.testing.PodWrites;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ReplicaSet controller against a real master; each test in its own namespace. */
class ReplicaSetControllerTest {
  private static final Map<String, String> WEB = Map.of("app", "web");

  @TempDir
  static Path dataDir;
  static WorkloadHarness harness;

  @BeforeAll
  static void start() throws Exception {
    harness = WorkloadHarness.start(dataDir, Duration.ZERO);
  }

  @AfterAll
  static void stop() throws Exception {
    if (harness != null) {
      harness.close();
    }
  }

  @AfterEach
  void releaseHeldPods() {
    harness.kubelet.releaseAll();
  }

  @Test
  void createsEachReplicaOnceOwnedAndReportsThemAvailable() {
    String ns = harness.namespace("rs-create");
    try (PodCensus census = new PodCensus(harness.pods, ns)) {
      ReplicaSet rs = harness.replicaSets.create(replicaSet(ns, "web", 20, WEB));
      ReplicaSetStatus status = awaitStatus(ns, "web", s -> s.getAvailableReplicas() == 20).getStatus();
      assertEquals(ReplicaSetStatus.newBuilder().setReplicas(20).setFullyLabeledReplicas(20).setReadyReplicas(20)
          .setAvailableReplicas(20).setObservedGeneration(1).build(), status);

      List<Pod> pods = harness.pods(ns);
      assertEquals(20, pods.size());
      for (Pod pod : pods) {
        assertEquals(List.of(OwnerReference.newBuilder().setApiVersion("apps/v1").setKind("ReplicaSet")
            .setName("web").setUid(rs.getMetadata().getUid()).setController(true).setBlockOwnerDeletion(true)
            .build()), pod.getMetadata().getOwnerReferencesList());
        assertTrue(pod.getMetadata().getName().startsWith("web-"), pod.getMetadata().getName());
      }
      awaitUntil("the census to see the 20 pods", census::live, live -> live.size() == 20);
      assertEquals(20, census.created(), "no pod was created twice while the cache lagged");
    }
    awaitUntil("SuccessfulCreate events", () -> harness.events(ns), events -> events.stream()
        .anyMatch(e -> e.getReason().equals("SuccessfulCreate") && e.getMessage().startsWith("Created pod: web-")));
  }

  @Test
  void scalesUpAndDownRemovingANotReadyPodFirst() {
    String ns = harness.namespace("rs-scale");
    harness.replicaSets.create(replicaSet(ns, "web", 2, WEB));
    awaitStatus(ns, "web", s -> s.getReadyReplicas() == 2);
    Set<String> ready = names(harness.pods(ns));

    harness.kubelet.hold(pod -> pod.getMetadata().getNamespace().equals(ns));
    scale(ns, "web", 3);
    awaitStatus(ns, "web", s -> s.getReplicas() == 3 && s.getReadyReplicas() == 2);
    scale(ns, "web", 2);
    awaitStatus(ns, "web", s -> s.getReplicas() == 2 && s.getObservedGeneration() == 3);
    assertEquals(ready, names(harness.pods(ns)), "the pod that was not ready went");

    harness.kubelet.releaseAll();
    scale(ns, "web", 5);
    awaitStatus(ns, "web", s -> s.getAvailableReplicas() == 5);
    scale(ns, "web", 0);
    awaitStatus(ns, "web", s -> s.getReplicas() == 0);
    assertEquals(List.of(), harness.pods(ns));
    awaitUntil("SuccessfulDelete events", () -> harness.events(ns), events -> events.stream()
        .anyMatch(e -> e.getReason().equals("SuccessfulDelete")));
  }

  @Test
  void adoptsAMatchingOrphanAndReleasesAPodThatNoLongerMatches() {
    String ns = harness.namespace("rs-adopt");
    Pod orphan = harness.pods.create(PodWrites.pod(ns, "orphan", WEB));
    ReplicaSet rs = harness.replicaSets.create(replicaSet(ns, "web", 2, WEB));
    awaitStatus(ns, "web", s -> s.getAvailableReplicas() == 2);
    assertEquals(2, harness.pods(ns).size(), "the orphan counts as one of the two");
    assertEquals(rs.getMetadata().getUid(),
        harness.pods.get(ns, "orphan").getMetadata().getOwnerReferences(0).getUid());

    update(harness.pods, ns, "orphan", p -> p.toBuilder()
        .setMetadata(p.getMetadata().toBuilder().putLabels("app", "other")).build());
    awaitUntil("the relabelled pod to be released", () -> harness.pods.get(ns, "orphan"),
        p -> p.getMetadata().getOwnerReferencesCount() == 0);
    awaitStatus(ns, "web", s -> s.getAvailableReplicas() == 2);
    assertEquals(3, harness.pods(ns).size(), "a replacement, and the released pod left alone");
    assertEquals(orphan.getMetadata().getUid(), harness.pods.get(ns, "orphan").getMetadata().getUid());
  }

  @Test
  void replacesADeletedPod() {
    String ns = harness.namespace("rs-replace");
    harness.replicaSets.create(replicaSet(ns, "web", 3, WEB));
    awaitStatus(ns, "web", s -> s.getAvailableReplicas() == 3);
    String victim = harness.pods(ns).get(0).getMetadata().getName();
    harness.pods.delete(DeleteRequest.newBuilder().setNamespace(ns).setName(victim).build());

    List<Pod> pods = awaitUntil("a replacement", () -> harness.pods(ns),
        p -> p.size() == 3 && !names(p).contains(victim));
    assertFalse(names(pods).contains(victim));
    awaitStatus(ns, "web", s -> s.getAvailableReplicas() == 3);
  }

  @Test
  void podsBecomeAvailableOnceReadyForMinReadySeconds() {
    String ns = harness.namespace("rs-min-ready");
    ReplicaSet rs = replicaSet(ns, "web", 2, WEB);
    harness.replicaSets.create(rs.toBuilder().setSpec(rs.getSpec().toBuilder().setMinReadySeconds(1)).build());
    awaitStatus(ns, "web", s -> s.getAvailableReplicas() == 2);
    // nothing changes when the second passes: the controller looks again by itself
    Instant available = Instant.now();
    for (Pod pod : harness.pods(ns)) {
      Instant ready = PodStates.readySince(pod).orElseThrow();
      assertFalse(available.isBefore(ready.plusSeconds(1)), "available before it was ready for a second");
    }
  }

  private static ReplicaSet awaitStatus(String ns, String name, java.util.function.Predicate<ReplicaSetStatus> done) {
    return awaitUntil("the status of " + name, () -> harness.replicaSets.get(ns, name),
        rs -> done.test(rs.getStatus()));
  }

  private static void scale(String ns, String name, int replicas) {
    update(harness.replicaSets, ns, name, rs -> rs.toBuilder()
        .setSpec(rs.getSpec().toBuilder().setReplicas(replicas)).build());
  }

  private static Set<String> names(List<Pod> pods) {
    return pods.stream().map(p -> p.getMetadata().getName()).collect(Collectors.toSet());
  }
}
