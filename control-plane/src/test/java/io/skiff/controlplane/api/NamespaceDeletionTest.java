package io.skiff.controlplane.api;

import static io.skiff.controlplane.api.ApiTesting.assertRefused;
import static io.skiff.controlplane.api.ApiTesting.createNamespace;
import static io.skiff.controlplane.api.ApiTesting.deployment;
import static io.skiff.controlplane.api.ApiTesting.deployments;
import static io.skiff.controlplane.api.ApiTesting.event;
import static io.skiff.controlplane.api.ApiTesting.events;
import static io.skiff.controlplane.api.ApiTesting.get;
import static io.skiff.controlplane.api.ApiTesting.leases;
import static io.skiff.controlplane.api.ApiTesting.namespaces;
import static io.skiff.controlplane.api.ApiTesting.pod;
import static io.skiff.controlplane.api.ApiTesting.pods;
import static io.skiff.controlplane.api.ApiTesting.replicaSet;
import static io.skiff.controlplane.api.ApiTesting.replicaSets;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.skiff.api.v1.DeleteRequest;
import io.skiff.api.v1.Lease;
import io.skiff.api.v1.ListRequest;
import io.skiff.api.v1.Namespace;
import io.skiff.api.v1.Pod;
import io.skiff.controlplane.testing.MasterCluster;
import io.skiff.proto.etcd.RangeRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Deleting a namespace: it turns Terminating and takes no new objects; the
 * namespace cleaner deletes what it holds, and once that is all gone (held
 * objects included) removes the namespace. Other namespaces are untouched.
 */
class NamespaceDeletionTest {
  private static final Duration PATIENCE = Duration.ofSeconds(20);

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
  void aDeletedNamespaceIsEmptiedThenRemovedAndNoOtherIsTouched() {
    Channel api = cluster.channel(0);
    String doomed = createNamespace(api, "doomed");
    String kept = createNamespace(api, "kept");
    List<Message> keptObjects = fill(api, kept);
    fill(api, doomed);
    // a finalizer holds this pod, and through it the namespace, until the test lets go
    Pod.Builder held = pod(doomed, "held");
    held.getMetadataBuilder().addFinalizers("example.com/hold");
    pods(api).create(held.build());

    Namespace terminating = namespaces(api).delete(DeleteRequest.newBuilder().setName(doomed).build());
    assertEquals("Terminating", terminating.getStatus().getPhase());
    assertTrue(terminating.getMetadata().hasDeletionTimestamp(), "deletionTimestamp");
    assertEquals(terminating, namespaces(api).get(get("", doomed)));
    assertTrue(namespaceNames(api, "status.phase=Terminating").contains(doomed), "listed as Terminating");
    assertRefused(Status.Code.FAILED_PRECONDITION, () -> pods(api).create(pod(doomed, "late").build()),
        "unable to create new content in namespace " + doomed + " because it is being terminated");

    await().atMost(PATIENCE).until(() -> storedKeys(doomed) == 1);
    Pod finalizing = pods(api).get(get(doomed, "held"));
    assertTrue(finalizing.getMetadata().hasDeletionTimestamp(), "the held pod is being deleted");
    assertEquals("Terminating", namespaces(api).get(get("", doomed)).getStatus().getPhase(), "still there");

    pods(api).update(finalizing.toBuilder()
        .setMetadata(finalizing.getMetadata().toBuilder().clearFinalizers()).build());
    await().atMost(PATIENCE).until(() -> isGone(() -> namespaces(api).get(get("", doomed))));

    assertEquals(0, storedKeys(doomed), "nothing of the namespace is left in the store");
    assertEquals(0, pods(api).list(ListRequest.newBuilder().setNamespace(doomed).build()).getItemsCount());
    assertEquals("Active", namespaces(api).get(get("", kept)).getStatus().getPhase());
    assertEquals(keptObjects, read(api, kept), "the other namespace is untouched");
  }

  @Test
  void aNamespaceDeletedWithAGracePeriodIsRemovedAllTheSame() {
    Channel api = cluster.channel(0);
    String doomed = createNamespace(api, "doomed");
    pods(api).create(pod(doomed, "web").build());

    namespaces(api).delete(DeleteRequest.newBuilder().setName(doomed).setGracePeriodSeconds(30).build());

    await().atMost(PATIENCE).until(() -> isGone(() -> namespaces(api).get(get("", doomed))));
    assertEquals(0, storedKeys(doomed));
  }

  @Test
  void theSystemNamespacesMayNotBeDeleted() {
    Channel api = cluster.channel(0);
    for (String name : List.of("default", "skiff-system")) {
      Namespace before = namespaces(api).get(get("", name));
      assertRefused(Status.Code.FAILED_PRECONDITION,
          () -> namespaces(api).delete(DeleteRequest.newBuilder().setName(name).build()),
          "namespace \"" + name + "\" may not be deleted");
      assertEquals(before, namespaces(api).get(get("", name)));
    }
  }

  /** One object of every namespaced kind; returns them as created. */
  private static List<Message> fill(Channel api, String namespace) {
    Pod.Builder quickToStop = pod(namespace, "bound");
    quickToStop.getSpecBuilder().setNodeName("node-a").setTerminationGracePeriodSeconds(0);
    return List.of(
        pods(api).create(pod(namespace, "web").build()),
        pods(api).create(quickToStop.build()),
        replicaSets(api).create(replicaSet(namespace, "web").build()),
        deployments(api).create(deployment(namespace, "web").build()),
        events(api).create(event(namespace, "web.1", "web").build()),
        leases(api).create(Lease.newBuilder().setMetadata(ApiTesting.meta(namespace, "web")).build()));
  }

  /** What {@link #fill} created, as it reads now. */
  private static List<Message> read(Channel api, String namespace) {
    return List.of(
        pods(api).get(get(namespace, "web")),
        pods(api).get(get(namespace, "bound")),
        replicaSets(api).get(get(namespace, "web")),
        deployments(api).get(get(namespace, "web")),
        events(api).get(get(namespace, "web.1")),
        leases(api).get(get(namespace, "web")));
  }

  private static List<String> namespaceNames(Channel api, String fieldSelector) {
    return namespaces(api).list(ListRequest.newBuilder().setFieldSelector(fieldSelector).build()).getItemsList()
        .stream().map(n -> n.getMetadata().getName()).toList();
  }

  /** How many keys of any kind the store holds for {@code namespace} (every namespaced kind's prefix). */
  private static long storedKeys(String namespace) {
    long count = 0;
    for (String resource : List.of("pods", "replicasets", "deployments", "events", "leases")) {
      ByteString prefix = ByteString.copyFromUtf8("/registry/" + resource + "/" + namespace + "/");
      byte[] end = prefix.toByteArray();
      end[end.length - 1]++;
      count += cluster.master(0).peer().store().range(RangeRequest.newBuilder().setKey(prefix)
          .setRangeEnd(ByteString.copyFrom(end)).setCountOnly(true).build()).join().getCount();
    }
    return count;
  }

  private static boolean isGone(Runnable get) {
    try {
      get.run();
      return false;
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() != Status.Code.NOT_FOUND) {
        throw e;
      }
      return true;
    }
  }
}
