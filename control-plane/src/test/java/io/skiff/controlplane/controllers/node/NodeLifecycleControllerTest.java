package io.skiff.controlplane.controllers.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static io.skiff.controlplane.testing.Eventually.await;

import com.google.protobuf.Timestamp;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.skiff.api.v1.Condition;
import io.skiff.api.v1.Container;
import io.skiff.api.v1.Lease;
import io.skiff.api.v1.LeaseSpec;
import io.skiff.api.v1.ListRequest;
import io.skiff.api.v1.Node;
import io.skiff.api.v1.NodeStatus;
import io.skiff.api.v1.ObjectMeta;
import io.skiff.api.v1.Pod;
import io.skiff.api.v1.PodSpec;
import io.skiff.api.v1.Taint;
import io.skiff.api.v1.Toleration;
import io.skiff.client.ResourceClient;
import io.skiff.client.ResourceTypes;
import io.skiff.controlplane.controllers.ControllerContext;
import io.skiff.controlplane.controllers.ControllerSettings;
import io.skiff.controlplane.testing.MasterCluster;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The node lifecycle controller against a real master, with two nodes whose
 * "agents" are this test: one keeps renewing its Lease, the other falls
 * silent. Grace period and eviction timeout are 2 s so the test is quick.
 */
class NodeLifecycleControllerTest {
  private static final Duration GRACE = Duration.ofSeconds(2);
  private static final Duration EVICTION = Duration.ofSeconds(2);

  @TempDir
  static Path dataDir;
  static MasterCluster cluster;
  static ControllerContext ctx;
  static NodeLifecycleController controller;
  static ResourceClient<Node> nodes;
  static ResourceClient<Lease> leases;
  static ResourceClient<Pod> pods;
  static final ScheduledExecutorService agents = Executors.newScheduledThreadPool(1);

  @BeforeAll
  static void start() throws Exception {
    cluster = MasterCluster.start(1, dataDir);
    nodes = new ResourceClient<>(cluster.channel(0), ResourceTypes.NODES, 5_000);
    leases = new ResourceClient<>(cluster.channel(0), ResourceTypes.LEASES, 5_000);
    pods = new ResourceClient<>(cluster.channel(0), ResourceTypes.PODS, 5_000);
    ctx = new ControllerContext(cluster.channel(0), "test", Clock.systemUTC(),
        ControllerSettings.defaults().withNodeTimeouts(GRACE, EVICTION));
    assertTrue(ctx.startInformers(Duration.ofSeconds(30)));
    controller = new NodeLifecycleController(ctx);
    controller.start();
  }

  @AfterAll
  static void stop() throws Exception {
    agents.shutdownNow();
    controller.close();
    ctx.close();
    cluster.close();
  }

  @Test
  void aSilentNodeBecomesUnknownIsTaintedAndLosesItsPodsWhileALiveOneKeepsThem() throws Exception {
    register("alive");
    register("silent");
    var renewals = agents.scheduleWithFixedDelay(() -> renew("alive"), 0, 300, TimeUnit.MILLISECONDS);
    pod("alive-pod", "alive", null);
    pod("evicted-pod", "silent", null);
    pod("tolerating-pod", "silent", Toleration.newBuilder().setKey(NodeLifecycleController.UNREACHABLE)
        .setOperator("Exists").setEffect("NoExecute").build());

    await(() -> ready("silent").equals("Unknown"), "the silent node's Ready becomes Unknown");
    await(() -> tainted("silent"), "the silent node is tainted unreachable:NoExecute");
    await(() -> gone("evicted-pod"), "its pod is evicted and, its node unreachable, removed");
    assertFalse(gone("tolerating-pod"), "a pod tolerating the taint for ever stays");
    assertEquals("True", ready("alive"));
    assertFalse(tainted("alive"));
    assertFalse(gone("alive-pod"));
    await(() -> hasEvent("silent", "NodeNotReady"), "a NodeNotReady event");

    // the agent comes back: it renews and posts Ready=True again; the taint goes
    agents.scheduleWithFixedDelay(() -> renew("silent"), 0, 300, TimeUnit.MILLISECONDS);
    postReady("silent");
    await(() -> !tainted("silent"), "the taint is removed once the node is back");
    renewals.cancel(false);
  }

  private static boolean hasEvent(String node, String reason) {
    var events = new ResourceClient<>(cluster.channel(0), ResourceTypes.EVENTS, 5_000);
    return events.list(ListRequest.newBuilder().setNamespace("default")
        .setFieldSelector("involvedObject.name=" + node + ",reason=" + reason).build()).items().size() > 0;
  }

  private static void register(String name) {
    nodes.create(Node.newBuilder().setMetadata(ObjectMeta.newBuilder().setName(name)).build());
    postReady(name);
    leases.create(Lease.newBuilder().setMetadata(ObjectMeta.newBuilder().setNamespace("skiff-system").setName(name))
        .setSpec(LeaseSpec.newBuilder().setHolderIdentity(name).setLeaseDurationSeconds(40).setRenewTime(now()))
        .build());
  }

  private static void postReady(String name) {
    nodes.updateStatus(Node.newBuilder().setMetadata(ObjectMeta.newBuilder().setName(name)).setStatus(NodeStatus.newBuilder().putAllocatable("cpu", "4")
        .addConditions(Condition.newBuilder().setType("Ready").setStatus("True").setReason("KubeletReady")
            .setLastHeartbeatTime(now()))).build());
  }

  private static void renew(String name) {
    try {
      Lease lease = leases.get("skiff-system", name);
      leases.update(lease.toBuilder().setSpec(lease.getSpec().toBuilder().setRenewTime(now())).build());
    } catch (StatusRuntimeException e) {
      // a conflict or a slow master: the next renewal comes soon
    }
  }

  private static void pod(String name, String node, Toleration toleration) {
    PodSpec.Builder spec = PodSpec.newBuilder().setNodeName(node).setTerminationGracePeriodSeconds(1)
        .addContainers(Container.newBuilder().setName("c").setImage("busybox"));
    if (toleration != null) {
      spec.addTolerations(toleration);
    }
    pods.create(Pod.newBuilder().setMetadata(ObjectMeta.newBuilder().setNamespace("default").setName(name))
        .setSpec(spec).build());
  }

  private static String ready(String name) {
    return nodes.get("", name).getStatus().getConditionsList().stream().filter(c -> c.getType().equals("Ready"))
        .map(Condition::getStatus).findFirst().orElse("none");
  }

  private static boolean tainted(String name) {
    return nodes.get("", name).getSpec().getTaintsList().stream().map(Taint::getKey)
        .anyMatch(NodeLifecycleController.UNREACHABLE::equals);
  }

  private static boolean gone(String pod) {
    try {
      pods.get("default", pod);
      return false;
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
        return true;
      }
      throw e;
    }
  }

  private static Timestamp now() {
    Instant now = Instant.now();
    return Timestamp.newBuilder().setSeconds(now.getEpochSecond()).setNanos(now.getNano()).build();
  }
}
