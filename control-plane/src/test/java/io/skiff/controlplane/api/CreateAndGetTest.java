package io.skiff.controlplane.api;

import static io.skiff.controlplane.api.ApiTesting.assertRefused;
import static io.skiff.controlplane.api.ApiTesting.get;
import static io.skiff.controlplane.api.ApiTesting.modRevision;
import static io.skiff.controlplane.api.ApiTesting.namespaces;
import static io.skiff.controlplane.api.ApiTesting.nodes;
import static io.skiff.controlplane.api.ApiTesting.pod;
import static io.skiff.controlplane.api.ApiTesting.podKey;
import static io.skiff.controlplane.api.ApiTesting.pods;
import static io.skiff.controlplane.api.ApiTesting.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Timestamp;
import io.grpc.Channel;
import io.grpc.Status;
import io.skiff.api.v1.ListRequest;
import io.skiff.api.v1.Namespace;
import io.skiff.api.v1.Node;
import io.skiff.api.v1.ObjectMeta;
import io.skiff.api.v1.Pod;
import io.skiff.api.v1.PodStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Create and Get: what the server sets, where the object lands in the store, and the namespace rules. */
class CreateAndGetTest extends OneAndThreeMasters {

  @Test
  void theServerSetsUidCreationTimestampAndGeneration() {
    long before = Instant.now().getEpochSecond();
    Pod created = pods(writer()).create(pod("default", unique("web")).build());
    long after = Instant.now().getEpochSecond();

    ObjectMeta meta = created.getMetadata();
    assertFalse(meta.getUid().isEmpty(), "uid");
    long createdAt = meta.getCreationTimestamp().getSeconds();
    assertTrue(createdAt >= before - 1 && createdAt <= after + 1, "creationTimestamp " + createdAt);
    assertEquals(1, meta.getGeneration());
    assertEquals("v1", created.getApiVersion());
    assertEquals("Pod", created.getKind());
    assertEquals("Pending", created.getStatus().getPhase());
  }

  @Test
  void whatAClientSetsInServerFieldsIsReplaced() {
    Pod.Builder pod = pod("default", unique("web")).setStatus(PodStatus.newBuilder().setPhase("Running"));
    pod.getMetadataBuilder().setUid("chosen-by-client").setGeneration(7)
        .setCreationTimestamp(Timestamp.newBuilder().setSeconds(1))
        .setDeletionTimestamp(Timestamp.newBuilder().setSeconds(2))
        .setDeletionGracePeriodSeconds(3);

    Pod created = pods(writer()).create(pod.build());

    ObjectMeta meta = created.getMetadata();
    assertNotEquals("chosen-by-client", meta.getUid());
    assertEquals(1, meta.getGeneration());
    assertTrue(meta.getCreationTimestamp().getSeconds() > 1, "creationTimestamp");
    assertFalse(meta.hasDeletionTimestamp(), "deletionTimestamp");
    assertFalse(meta.hasDeletionGracePeriodSeconds(), "deletionGracePeriodSeconds");
    assertEquals("Pending", created.getStatus().getPhase());
  }

  @Test
  void theResourceVersionIsTheStoreModRevisionOfTheKey() {
    String name = unique("web");
    Pod created = pods(writer()).create(pod("default", name).build());

    assertEquals(modRevision(cluster.master(0), podKey("default", name)), created.getMetadata().getResourceVersion());
  }

  @Test
  void aCreatedObjectReadsTheSameThroughAnotherMaster() {
    String name = unique("web");
    Pod created = pods(writer()).create(pod("default", name).build());

    assertEquals(created, pods(reader()).get(get("default", name)));
  }

  @Test
  void aSecondCreateOfTheSameNameIsAlreadyExists() {
    String name = unique("web");
    Pod first = pods(writer()).create(pod("default", name).build());

    assertRefused(Status.Code.ALREADY_EXISTS, () -> pods(reader()).create(pod("default", name).build()),
        "pods \"" + name + "\" already exists");
    assertEquals(first, pods(reader()).get(get("default", name)));
  }

  @Test
  void ofConcurrentCreatesOfOneNameExactlyOneSucceeds() throws Exception {
    String name = unique("race");
    int racers = 6;
    ExecutorService pool = Executors.newFixedThreadPool(racers);
    List<Future<Pod>> results = new ArrayList<>();
    try {
      for (int i = 0; i < racers; i++) {
        Channel channel = cluster.channel(i % cluster.size());
        results.add(pool.submit(() -> pods(channel).create(pod("default", name).build())));
      }
      List<Pod> winners = new ArrayList<>();
      for (Future<Pod> result : results) {
        try {
          winners.add(result.get(30, TimeUnit.SECONDS));
        } catch (ExecutionException e) {
          assertEquals(Status.Code.ALREADY_EXISTS, Status.fromThrowable(e.getCause()).getCode(), e.toString());
        }
      }
      assertEquals(1, winners.size(), "winners");
      assertEquals(winners.get(0), pods(reader()).get(get("default", name)));
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void generateNameGivesEachObjectAFreshName() {
    String prefix = unique("worker") + "-";
    Pod.Builder template = pod("default", "").setMetadata(ObjectMeta.newBuilder().setGenerateName(prefix));

    Pod one = pods(writer()).create(template.build());
    Pod two = pods(reader()).create(template.build());

    for (Pod created : new Pod[] {one, two}) {
      String name = created.getMetadata().getName();
      assertTrue(name.startsWith(prefix) && name.length() == prefix.length() + 5, name);
      assertEquals(created, pods(reader()).get(get("default", name)));
    }
    assertNotEquals(one.getMetadata().getName(), two.getMetadata().getName());
  }

  @Test
  void theNamespaceDefaultsToDefault() {
    String name = unique("web");
    Pod created = pods(writer()).create(pod("", name).build());

    assertEquals("default", created.getMetadata().getNamespace());
    assertEquals(created, pods(reader()).get(get("default", name)));
    assertEquals(created, pods(reader()).get(get("", name)), "a Get without a namespace reads \"default\" too");
    assertEquals(created.getMetadata().getResourceVersion(),
        modRevision(cluster.master(0), podKey("default", name)));
  }

  @Test
  void aMissingNamespaceIsNotFoundAndNamed() {
    String namespace = unique("nowhere");
    String name = unique("web");

    assertRefused(Status.Code.NOT_FOUND, () -> pods(writer()).create(pod(namespace, name).build()),
        "namespaces \"" + namespace + "\" not found");
    assertEquals(0, modRevision(cluster.master(0), podKey(namespace, name)));
  }

  @Test
  void theSystemNamespacesExistFromTheStart() {
    for (String name : new String[] {"default", "skiff-system"}) {
      Namespace namespace = namespaces(reader()).get(get("", name));
      assertEquals(name, namespace.getMetadata().getName());
      assertEquals("Active", namespace.getStatus().getPhase());
    }
  }

  @Test
  void aGetOfAMissingObjectIsNotFound() {
    String name = unique("ghost");
    assertRefused(Status.Code.NOT_FOUND, () -> pods(reader()).get(get("default", name)),
        "pods \"" + name + "\" not found");
  }

  @Test
  void clusterScopedKindsRefuseANamespace() {
    String node = unique("node");
    assertRefused(Status.Code.INVALID_ARGUMENT, () -> nodes(writer()).create(Node.newBuilder()
        .setMetadata(ObjectMeta.newBuilder().setName(node).setNamespace("default")).build()),
        "metadata.namespace", "nodes are not namespaced");
    String namespace = unique("team");
    assertRefused(Status.Code.INVALID_ARGUMENT, () -> namespaces(writer()).create(Namespace.newBuilder()
        .setMetadata(ObjectMeta.newBuilder().setName(namespace).setNamespace("default")).build()),
        "metadata.namespace", "namespaces are not namespaced");

    Node created = nodes(writer()).create(Node.newBuilder().setMetadata(ObjectMeta.newBuilder().setName(node)).build());
    assertEquals("", created.getMetadata().getNamespace());
    assertEquals(created, nodes(reader()).get(get("", node)));
    assertRefused(Status.Code.INVALID_ARGUMENT, () -> nodes(reader()).get(get("default", node)),
        "namespace", "nodes are not namespaced");
    assertRefused(Status.Code.INVALID_ARGUMENT,
        () -> nodes(reader()).list(ListRequest.newBuilder().setNamespace("default").build()),
        "nodes are not namespaced");
  }
}
