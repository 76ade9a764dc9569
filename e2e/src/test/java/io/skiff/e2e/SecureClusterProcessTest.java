package io.skiff.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.skiff.api.v1.AuthGrpc;
import io.skiff.api.v1.Container;
import io.skiff.api.v1.CreateTokenRequest;
import io.skiff.api.v1.CreateTokenResponse;
import io.skiff.api.v1.ListRequest;
import io.skiff.api.v1.Namespace;
import io.skiff.api.v1.ObjectMeta;
import io.skiff.api.v1.Pod;
import io.skiff.api.v1.PodSpec;
import io.skiff.api.v1.PodStatus;
import io.skiff.api.v1.RevokeTokenRequest;
import io.skiff.api.v1.RoleBinding;
import io.skiff.api.v1.Subject;
import io.skiff.client.Credentials;
import io.skiff.client.ResourceClient;
import io.skiff.client.ResourceTypes;
import io.skiff.controlplane.process.MasterProcess;
import io.skiff.pki.PkiDirectory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Security across real master processes: a node's certificate (as an agent's cert dir holds it) is
 * refused another node's pods, and a token revoked through one master stops working on every master
 * (each drops it from its own watch of the store). Three masters, no controllers: nothing but the
 * test writes.
 */
@Tag("process")
class SecureClusterProcessTest {
  /** Each master hears of a revocation from its store watch: a moment, not a resync period. */
  private static final Duration REVOCATION_BOUND = Duration.ofSeconds(5);
  private static final Duration PATIENCE = Duration.ofSeconds(60);

  private static MasterSet cluster;

  @BeforeAll
  static void startCluster() {
    cluster = MasterSet.start("secure-cluster", List.of("--controllers", "false"));
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void aNodesCertificateCannotUpdateTheStatusOfAnotherNodesPod(@TempDir Path certDirs) throws Exception {
    ResourceClient<Pod> adminPods = new ResourceClient<>(cluster.channel(), ResourceTypes.PODS, 10_000);
    Pod theirs = await("a pod bound to node-b").atMost(PATIENCE).ignoreException(StatusRuntimeException.class)
        .until(() -> adminPods.create(Pod.newBuilder()
            .setMetadata(ObjectMeta.newBuilder().setNamespace("default").setName("on-node-b"))
            .setSpec(PodSpec.newBuilder().setNodeName("node-b")
                .addContainers(Container.newBuilder().setName("app").setImage("app:1")))
            .build()), p -> p != null);

    ResourceClient<Pod> asNodeA = asNode("node-a", certDirs.resolve("node-a"));
    ResourceClient<Pod> asNodeB = asNode("node-b", certDirs.resolve("node-b"));
    // node-b writes its pod's status as its agent does: metadata and status only
    Pod running = asNodeB.updateStatus(statusOnly(theirs, PodStatus.newBuilder().setPhase("Running").build()));
    assertEquals("Running", running.getStatus().getPhase());

    PodStatus forged = PodStatus.newBuilder().setPhase("Failed").setMessage("forged").build();
    for (Pod attempt : List.of(statusOnly(running, forged), running.toBuilder().setStatus(forged).build())) {
      StatusRuntimeException refused = assertThrows(StatusRuntimeException.class, () -> asNodeA.updateStatus(attempt));
      assertEquals(Status.Code.PERMISSION_DENIED, refused.getStatus().getCode(), refused.toString());
      assertEquals("node \"node-a\" cannot update-status pods in namespace \"default\": pod \"on-node-b\" is not "
          + "bound to it", refused.getStatus().getDescription());
    }

    Pod after = adminPods.get("default", "on-node-b");
    assertEquals(running.getMetadata().getResourceVersion(), after.getMetadata().getResourceVersion(), "nothing written");
    assertEquals(running.getStatus(), after.getStatus());
  }

  /** Pods as node {@code node} sees them, with a node certificate provisioned into {@code certDir}. */
  private static ResourceClient<Pod> asNode(String node, Path certDir) throws Exception {
    cluster.provisionNode(node, certDir);
    Credentials credentials = Credentials.tls(new PkiDirectory(certDir).files("node"));
    return new ResourceClient<>(cluster.channel(credentials), ResourceTypes.PODS, 10_000);
  }

  private static Pod statusOnly(Pod pod, PodStatus status) {
    ObjectMeta meta = pod.getMetadata();
    return Pod.newBuilder().setMetadata(ObjectMeta.newBuilder().setNamespace(meta.getNamespace())
        .setName(meta.getName()).setUid(meta.getUid())).setStatus(status).build();
  }

  @Test
  void aTokenRevokedThroughOneMasterIsRefusedByEveryMaster() {
    MasterProcess first = cluster.masters.get(0);
    ManagedChannel admin = cluster.channel();
    String namespace = "revocation";
    await("namespace " + namespace).atMost(PATIENCE).ignoreException(StatusRuntimeException.class).until(() -> {
      new ResourceClient<>(admin, ResourceTypes.NAMESPACES, 10_000)
          .create(Namespace.newBuilder().setMetadata(ObjectMeta.newBuilder().setName(namespace)).build());
      new ResourceClient<>(admin, ResourceTypes.ROLE_BINDINGS, 10_000).create(RoleBinding.newBuilder()
          .setMetadata(ObjectMeta.newBuilder().setNamespace(namespace).setName("carol-views")).setRole("view")
          .addSubjects(Subject.newBuilder().setKind("User").setName("carol")).build());
      return true;
    });
    CreateTokenResponse created = cluster.createToken(first, CreateTokenRequest.newBuilder().setPurpose("user")
        .setUser("carol").setDescription("revoked by the test").build());
    Credentials carol = cluster.token(created.getBearer());
    cluster.awaitAcceptedEverywhere(carol);
    for (MasterProcess master : cluster.masters) {
      assertEquals(0, pods(master, carol, namespace).size(), "carol lists pods through " + master.id());
    }

    AuthGrpc.newBlockingStub(cluster.channelTo(first)).withDeadlineAfter(30, TimeUnit.SECONDS)
        .revokeToken(RevokeTokenRequest.newBuilder().setId(created.getToken().getId()).build());

    for (MasterProcess master : cluster.masters) {
      await("carol's revoked token refused by " + master.id()).atMost(REVOCATION_BOUND)
          .pollInterval(Duration.ofMillis(100))
          .until(() -> refusal(master, carol, namespace) == Status.Code.UNAUTHENTICATED);
    }
    // and it stays refused: no master takes it back from a stale cache
    for (MasterProcess master : cluster.masters) {
      assertEquals(Status.Code.UNAUTHENTICATED, refusal(master, carol, namespace), master.id());
    }
  }

  private static List<Pod> pods(MasterProcess master, Credentials credentials, String namespace) {
    ManagedChannel channel = master.channel(credentials);
    try {
      return new ResourceClient<>(channel, ResourceTypes.PODS, 5_000)
          .list(ListRequest.newBuilder().setNamespace(namespace).build()).items();
    } finally {
      channel.shutdownNow();
    }
  }

  /** The code {@code master} refuses a pod list with; OK when it answers. */
  private static Status.Code refusal(MasterProcess master, Credentials credentials, String namespace) {
    try {
      pods(master, credentials, namespace);
      return Status.Code.OK;
    } catch (StatusRuntimeException e) {
      assertTrue(e.getStatus().getCode() != Status.Code.PERMISSION_DENIED, "authenticated but refused: " + e);
      return e.getStatus().getCode();
    }
  }
}
