package io.skiff.controlplane.controllers.gc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static io.skiff.controlplane.testing.Eventually.await;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.skiff.api.v1.Container;
import io.skiff.api.v1.DeleteRequest;
import io.skiff.api.v1.Deployment;
import io.skiff.api.v1.DeploymentSpec;
import io.skiff.api.v1.LabelSelector;
import io.skiff.api.v1.ListRequest;
import io.skiff.api.v1.ObjectMeta;
import io.skiff.api.v1.OwnerReference;
import io.skiff.api.v1.Pod;
import io.skiff.api.v1.PodSpec;
import io.skiff.api.v1.PodTemplateSpec;
import io.skiff.api.v1.ReplicaSet;
import io.skiff.api.v1.ReplicaSetSpec;
import io.skiff.client.ResourceClient;
import io.skiff.controlplane.controllers.ControllerContext;
import io.skiff.controlplane.controllers.ControllerSettings;
import io.skiff.controlplane.testing.MasterCluster;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The garbage collector against a real master: the three propagation
 * policies on a Deployment → ReplicaSet → pods chain, built by hand (no
 * workload controllers run here, so nothing but the collector deletes).
 */
class GarbageCollectorTest {
  private static final AtomicInteger SEQUENCE = new AtomicInteger();

  @TempDir
  static Path dataDir;
  static MasterCluster cluster;
  static ControllerContext ctx;
  static GarbageCollector collector;

  @BeforeAll
  static void start() throws Exception {
    cluster = MasterCluster.start(1, dataDir);
    ctx = new ControllerContext(cluster.channel(0), "test", Clock.systemUTC(), ControllerSettings.defaults());
    assertTrue(ctx.startInformers(Duration.ofSeconds(30)));
    collector = new GarbageCollector(ctx);
    collector.start();
  }

  @AfterAll
  static void stop() throws Exception {
    collector.close();
    ctx.close();
    cluster.close();
  }

  @Test
  void backgroundDeletionRemovesDependentsAfterTheOwner() throws Exception {
    Chain chain = chain();
    ctx.deploymentClient().delete(delete(chain.deployment.getMetadata(), "Background"));
    await(() -> gone(ctx.replicaSetClient(), chain.replicaSet.getMetadata()), "the ReplicaSet is collected");
    await(() -> podsOf(chain).isEmpty(), "its pods are collected");
  }

  @Test
  void foregroundDeletionKeepsTheOwnerUntilItsDependentsAreGone() throws Exception {
    Chain chain = chain();
    Deployment marked = ctx.deploymentClient().delete(delete(chain.deployment.getMetadata(), "Foreground"));
    assertTrue(marked.getMetadata().hasDeletionTimestamp());
    assertTrue(marked.getMetadata().getFinalizersList().contains("foregroundDeletion"));
    await(() -> gone(ctx.deploymentClient(), chain.deployment.getMetadata()), "the Deployment goes last");
    assertTrue(gone(ctx.replicaSetClient(), chain.replicaSet.getMetadata()), "its ReplicaSet went before it");
    assertTrue(podsOf(chain).isEmpty(), "its pods went before it");
  }

  @Test
  void orphanDeletionLeavesDependentsWithoutTheOwner() throws Exception {
    Chain chain = chain();
    ctx.replicaSetClient().delete(delete(chain.replicaSet.getMetadata(), "Orphan"));
    await(() -> gone(ctx.replicaSetClient(), chain.replicaSet.getMetadata()), "the ReplicaSet goes");
    Thread.sleep(500);  // the collector had its chance to (wrongly) delete them
    List<Pod> pods = podsOf(chain);
    assertEquals(2, pods.size(), "the pods stay");
    for (Pod pod : pods) {
      assertEquals(0, pod.getMetadata().getOwnerReferencesCount(), "and no longer name their owner");
    }
    assertTrue(ctx.deploymentClient().get("default", chain.deployment.getMetadata().getName()) != null,
        "the Deployment above is untouched");
  }

  @Test
  void anObjectWhoseOwnerNeverExistedOrWasReplacedIsCollected() throws Exception {
    ReplicaSet stray = ctx.replicaSetClient().create(replicaSet(unique("stray"), OwnerReference.newBuilder()
        .setApiVersion("apps/v1").setKind("Deployment").setName("never-was").setUid("00000000-0000-0000-0000-000000000000")
        .setController(true).build()));
    await(() -> gone(ctx.replicaSetClient(), stray.getMetadata()), "a ReplicaSet with a missing owner is collected");
  }

  // ---- a chain Deployment → ReplicaSet → 2 pods, by hand ----

  private record Chain(Deployment deployment, ReplicaSet replicaSet, String app) {
  }

  private static Chain chain() {
    String app = unique("app");
    Deployment deployment = ctx.deploymentClient().create(Deployment.newBuilder()
        .setMetadata(ObjectMeta.newBuilder().setNamespace("default").setName(app))
        .setSpec(DeploymentSpec.newBuilder().setReplicas(2).setSelector(selector(app)).setTemplate(template(app)))
        .build());
    ReplicaSet replicaSet = ctx.replicaSetClient().create(replicaSet(app + "-1", owner("Deployment",
        deployment.getMetadata())));
    for (int i = 0; i < 2; i++) {
      ctx.podClient().create(Pod.newBuilder()
          .setMetadata(ObjectMeta.newBuilder().setNamespace("default").setName(app + "-pod-" + i).putLabels("app", app)
              .addOwnerReferences(owner("ReplicaSet", replicaSet.getMetadata())))
          .setSpec(spec()).build());
    }
    return new Chain(deployment, replicaSet, app);
  }

  private static ReplicaSet replicaSet(String name, OwnerReference owner) {
    return ReplicaSet.newBuilder()
        .setMetadata(ObjectMeta.newBuilder().setNamespace("default").setName(name).addOwnerReferences(owner))
        .setSpec(ReplicaSetSpec.newBuilder().setReplicas(2).setSelector(selector(name)).setTemplate(template(name)))
        .build();
  }

  private static OwnerReference owner(String kind, ObjectMeta meta) {
    return OwnerReference.newBuilder().setApiVersion("apps/v1").setKind(kind).setName(meta.getName())
        .setUid(meta.getUid()).setController(true).setBlockOwnerDeletion(true).build();
  }

  private static LabelSelector selector(String app) {
    return LabelSelector.newBuilder().putMatchLabels("app", app).build();
  }

  private static PodTemplateSpec template(String app) {
    return PodTemplateSpec.newBuilder().setMetadata(ObjectMeta.newBuilder().putLabels("app", app)).setSpec(spec())
        .build();
  }

  private static PodSpec spec() {
    return PodSpec.newBuilder().addContainers(Container.newBuilder().setName("web").setImage("busybox")).build();
  }

  private static List<Pod> podsOf(Chain chain) {
    return ctx.podClient().list(ListRequest.newBuilder().setNamespace("default")
        .setLabelSelector("app=" + chain.app).build()).items();
  }

  private static DeleteRequest delete(ObjectMeta meta, String policy) {
    return DeleteRequest.newBuilder().setNamespace(meta.getNamespace()).setName(meta.getName())
        .setPropagationPolicy(policy).build();
  }

  private static <T extends com.google.protobuf.Message> boolean gone(ResourceClient<T> client, ObjectMeta meta) {
    try {
      client.get(meta.getNamespace(), meta.getName());
      return false;
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
        return true;
      }
      throw e;
    }
  }

  private static String unique(String prefix) {
    return prefix + "-" + SEQUENCE.incrementAndGet();
  }
}
