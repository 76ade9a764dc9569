package io.skiff.controlplane.api;

import static io.skiff.controlplane.api.ApiTesting.assertRefused;
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
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Channel;
import io.grpc.Status;
import io.skiff.api.v1.DeleteRequest;
import io.skiff.api.v1.Pod;
import io.skiff.api.v1.PodStatus;
import io.skiff.api.v1.Preconditions;
import io.skiff.api.v1.ReplicaSet;
import io.skiff.controlplane.testing.MasterCluster;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Delete: at once, gracefully (bound pods), held by finalizers, and with preconditions. */
class DeletionTest {
  @TempDir
  static Path dataDir;
  static MasterCluster cluster;

  @BeforeAll
  static void start() throws Exception {
    cluster = MasterCluster.start(1, dataDir);
  }

  @AfterAll
  static void stop() throws Exception {
    cluster.close();
  }

  @Test
  void anUnboundPodIsDeletedAtOnce() {
    String name = unique("web");
    Pod created = pods(api()).create(pod("default", name).build());

    Pod deleted = pods(api()).delete(delete(name).build());

    assertEquals(created.getMetadata().getUid(), deleted.getMetadata().getUid());
    assertNotFound(name);
  }

  @Test
  void anUnboundPodIsDeletedAtOnceWhateverGracePeriodIsAsked() {
    String name = unique("web");
    pods(api()).create(pod("default", name).build());

    pods(api()).delete(delete(name).setGracePeriodSeconds(30).build());

    assertNotFound(name);
  }

  @Test
  void aBoundPodIsMarkedWithTheDefaultGracePeriodAndStays() {
    String name = unique("web");
    pods(api()).create(bound(name).build());

    long before = Instant.now().getEpochSecond();
    Pod marked = pods(api()).delete(delete(name).build());
    long after = Instant.now().getEpochSecond();

    assertEquals(30, marked.getMetadata().getDeletionGracePeriodSeconds());
    long deadline = marked.getMetadata().getDeletionTimestamp().getSeconds();
    assertTrue(deadline >= before + 30 - 1 && deadline <= after + 30 + 1, "deletionTimestamp " + deadline);
    assertEquals(marked, pods(api()).get(get("default", name)));
  }

  @Test
  void aSecondDeleteOfAMarkedPodChangesNothingUnlessItShortensTheGracePeriod() {
    String name = unique("web");
    pods(api()).create(bound(name).build());
    Pod marked = pods(api()).delete(delete(name).build());

    assertEquals(marked, pods(api()).delete(delete(name).build()), "the same grace period again");
    assertEquals(marked, pods(api()).delete(delete(name).setGracePeriodSeconds(60).build()),
        "a longer grace period");
    Pod shortened = pods(api()).delete(delete(name).setGracePeriodSeconds(5).build());
    assertEquals(5, shortened.getMetadata().getDeletionGracePeriodSeconds());
  }

  @Test
  void aDeleteWithGracePeriodZeroRemovesAMarkedPod() {
    String name = unique("web");
    pods(api()).create(bound(name).build());
    pods(api()).delete(delete(name).build());

    pods(api()).delete(delete(name).setGracePeriodSeconds(0).build());

    assertNotFound(name);
  }

  @Test
  void aPodsOwnTerminationGracePeriodIsItsDefault() {
    String name = unique("web");
    Pod.Builder pod = bound(name);
    pod.getSpecBuilder().setTerminationGracePeriodSeconds(7);
    pods(api()).create(pod.build());

    Pod marked = pods(api()).delete(delete(name).build());

    assertEquals(7, marked.getMetadata().getDeletionGracePeriodSeconds());
  }

  @Test
  void aFinishedBoundPodIsDeletedAtOnce() {
    String name = unique("web");
    Pod pod = pods(api()).create(bound(name).build());
    pods(api()).updateStatus(pod.toBuilder()
        .setStatus(PodStatus.newBuilder().setPhase("Succeeded")).build());

    pods(api()).delete(delete(name).build());

    assertNotFound(name);
  }

  @Test
  void aPodBeingDeletedGracefullyStaysThroughUpdates() {
    String name = unique("web");
    pods(api()).create(bound(name).build());
    Pod marked = pods(api()).delete(delete(name).build());

    // its node agent reports the containers stopping, then a controller labels it
    Pod stopping = pods(api()).updateStatus(marked.toBuilder()
        .setStatus(marked.getStatus().toBuilder().setPhase("Running").setMessage("stopping")).build());
    Pod labelled = pods(api()).update(stopping.toBuilder()
        .setMetadata(stopping.getMetadata().toBuilder().putLabels("stopping", "true")).build());

    assertEquals(labelled, pods(api()).get(get("default", name)));
    assertEquals(marked.getMetadata().getDeletionTimestamp(), labelled.getMetadata().getDeletionTimestamp());
    pods(api()).delete(delete(name).setGracePeriodSeconds(0).build());
    assertNotFound(name);
  }

  @Test
  void finalizersHoldAnObjectUntilTheLastOneIsRemoved() {
    String name = unique("web");
    Pod.Builder pod = pod("default", name);
    pod.getMetadataBuilder().addFinalizers("example.com/a").addFinalizers("example.com/b");
    pods(api()).create(pod.build());

    Pod marked = pods(api()).delete(delete(name).build());
    assertTrue(marked.getMetadata().hasDeletionTimestamp(), "deletionTimestamp");
    assertEquals(0, marked.getMetadata().getDeletionGracePeriodSeconds());
    assertEquals(marked, pods(api()).get(get("default", name)));

    Pod oneLeft = pods(api()).update(marked.toBuilder()
        .setMetadata(marked.getMetadata().toBuilder().clearFinalizers().addFinalizers("example.com/b")).build());
    assertEquals(oneLeft, pods(api()).get(get("default", name)));

    pods(api()).update(oneLeft.toBuilder()
        .setMetadata(oneLeft.getMetadata().toBuilder().clearFinalizers()).build());
    assertNotFound(name);
  }

  @Test
  void finalizersHoldAGracefullyDeletedPodPastItsGracePeriodZeroDelete() {
    String name = unique("web");
    Pod.Builder pod = bound(name);
    pod.getMetadataBuilder().addFinalizers("example.com/a");
    pods(api()).create(pod.build());
    pods(api()).delete(delete(name).build());

    Pod held = pods(api()).delete(delete(name).setGracePeriodSeconds(0).build());
    assertEquals(0, held.getMetadata().getDeletionGracePeriodSeconds());
    assertEquals(held, pods(api()).get(get("default", name)));

    pods(api()).update(held.toBuilder()
        .setMetadata(held.getMetadata().toBuilder().clearFinalizers()).build());
    assertNotFound(name);
  }

  @Test
  void noFinalizerMayBeAddedToAnObjectBeingDeleted() {
    String name = unique("rs");
    ReplicaSet.Builder rs = replicaSet("default", name);
    rs.getMetadataBuilder().addFinalizers("example.com/a");
    replicaSets(api()).create(rs.build());
    ReplicaSet marked = replicaSets(api()).delete(delete(name).build());

    assertRefused(Status.Code.INVALID_ARGUMENT, () -> replicaSets(api()).update(marked.toBuilder()
        .setMetadata(marked.getMetadata().toBuilder().addFinalizers("example.com/b")).build()),
        "metadata.finalizers: Forbidden", "no new finalizers can be added if the object is being deleted",
        "\"example.com/b\"");
    assertEquals(marked, replicaSets(api()).get(get("default", name)));
  }

  @Test
  void aDeleteWithAnotherUidIsRefused() {
    String name = unique("web");
    Pod pod = pods(api()).create(pod("default", name).build());

    assertRefused(Status.Code.FAILED_PRECONDITION, () -> pods(api()).delete(delete(name)
        .setPreconditions(Preconditions.newBuilder().setUid("not-its-uid")).build()),
        "UID in precondition: not-its-uid", "UID in object meta: " + pod.getMetadata().getUid());
    assertEquals(pod, pods(api()).get(get("default", name)));
  }

  @Test
  void aDeleteWithAStaleResourceVersionIsAborted() {
    String name = unique("web");
    Pod pod = pods(api()).create(pod("default", name).build());
    Pod updated = pods(api()).update(pod.toBuilder()
        .setMetadata(pod.getMetadata().toBuilder().putLabels("rev", "2")).build());

    assertRefused(Status.Code.ABORTED, () -> pods(api()).delete(delete(name)
        .setPreconditions(Preconditions.newBuilder().setResourceVersion(pod.getMetadata().getResourceVersion()))
        .build()),
        "current resource_version " + updated.getMetadata().getResourceVersion());
    assertEquals(updated, pods(api()).get(get("default", name)));
  }

  @Test
  void aDeleteWhosePreconditionsHoldDeletes() {
    String name = unique("web");
    Pod pod = pods(api()).create(pod("default", name).build());

    pods(api()).delete(delete(name).setPreconditions(Preconditions.newBuilder()
        .setUid(pod.getMetadata().getUid()).setResourceVersion(pod.getMetadata().getResourceVersion())).build());

    assertNotFound(name);
  }

  @Test
  void badDeleteOptionsAreRefusedAndAMissingObjectIsNotFound() {
    String name = unique("web");
    pods(api()).create(pod("default", name).build());
    long revision = storeRevision(cluster.master(0));

    assertRefused(Status.Code.INVALID_ARGUMENT,
        () -> pods(api()).delete(delete(name).setGracePeriodSeconds(-1).build()), "gracePeriodSeconds");
    assertRefused(Status.Code.INVALID_ARGUMENT,
        () -> pods(api()).delete(delete(name).setPropagationPolicy("Eventually").build()),
        "propagationPolicy", "\"Eventually\"");
    assertRefused(Status.Code.NOT_FOUND, () -> pods(api()).delete(delete(name + "-missing").build()),
        "pods \"" + name + "-missing\" not found");
    assertEquals(revision, storeRevision(cluster.master(0)), "nothing written");
  }

  @Test
  void aReplicaSetIsDeletedAtOnceWhateverGracePeriodIsAsked() {
    String name = unique("rs");
    replicaSets(api()).create(replicaSet("default", name).build());

    replicaSets(api()).delete(delete(name).setGracePeriodSeconds(30).build());

    assertRefused(Status.Code.NOT_FOUND, () -> replicaSets(api()).get(get("default", name)));
  }

  private static Channel api() {
    return cluster.channel(0);
  }

  private static Pod.Builder bound(String name) {
    Pod.Builder pod = pod("default", name);
    pod.getSpecBuilder().setNodeName("node-a");
    return pod;
  }

  private static DeleteRequest.Builder delete(String name) {
    return DeleteRequest.newBuilder().setNamespace("default").setName(name);
  }

  private static void assertNotFound(String name) {
    assertRefused(Status.Code.NOT_FOUND, () -> pods(api()).get(get("default", name)),
        "pods \"" + name + "\" not found");
    assertEquals(0, modRevision(cluster.master(0), podKey("default", name)));
  }
}
