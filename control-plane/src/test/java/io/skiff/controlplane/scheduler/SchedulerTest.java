package io.skiff.controlplane.scheduler;

import static io.skiff.controlplane.scheduler.policy.SchedulingFixtures.node;
import static io.skiff.controlplane.scheduler.policy.SchedulingFixtures.pod;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skiff.api.v1.Condition;
import io.skiff.api.v1.DeleteRequest;
import io.skiff.api.v1.Event;
import io.skiff.api.v1.ListRequest;
import io.skiff.api.v1.Node;
import io.skiff.api.v1.ObjectMeta;
import io.skiff.api.v1.Pod;
import io.skiff.client.ResourceClient;
import io.skiff.client.ResourceTypes;
import io.skiff.controlplane.controllers.ControllerContext;
import io.skiff.controlplane.controllers.ControllerSettings;
import io.skiff.controlplane.scheduler.policy.PodInfo;
import io.skiff.controlplane.testing.MasterCluster;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The scheduler against a real master: nodes and pods written through the API, decisions read back from it. */
class SchedulerTest {
  private static final Duration PATIENCE = Duration.ofSeconds(20);

  private MasterCluster cluster;
  private ControllerContext ctx;
  private Scheduler scheduler;
  private ResourceClient<Pod> pods;
  private ResourceClient<Node> nodes;
  private ResourceClient<Event> events;

  @BeforeEach
  void start(@TempDir Path dir) throws Exception {
    cluster = MasterCluster.start(1, dir);
    pods = new ResourceClient<>(cluster.channel(0), ResourceTypes.PODS, 20_000);
    nodes = new ResourceClient<>(cluster.channel(0), ResourceTypes.NODES, 20_000);
    events = new ResourceClient<>(cluster.channel(0), ResourceTypes.EVENTS, 20_000);
    ctx = new ControllerContext(cluster.channel(0), "scheduler-test", Clock.systemUTC(), ControllerSettings.defaults());
    scheduler = new Scheduler(ctx);
    assertTrue(ctx.startInformers(PATIENCE), "informers did not sync");
    scheduler.start();
  }

  @AfterEach
  void stop() throws Exception {
    scheduler.close();
    ctx.close();
    cluster.close();
  }

  @Test
  void bindsPodsWhereRequestsSelectorsAndTaintsAllow() {
    register(node("small").allocatable("cpu", "1").allocatable("memory", "1Gi").build());
    register(node("big").allocatable("cpu", "4").allocatable("memory", "8Gi").build());
    register(node("ssd").allocatable("cpu", "1").allocatable("memory", "1Gi").label("disk", "ssd").build());
    register(node("gpu").allocatable("cpu", "8").allocatable("memory", "16Gi").label("accelerator", "gpu")
        .taint("dedicated", "gpu", "NoSchedule").build());

    pods.create(pod("large").requests("2", "2Gi").build());
    pods.create(pod("on-ssd").nodeSelector("disk", "ssd").build());
    pods.create(pod("on-gpu").nodeSelector("accelerator", "gpu").toleration("dedicated", "Equal", "gpu", "NoSchedule")
        .build());

    assertEquals("big", awaitBound("large"));
    assertEquals("ssd", awaitBound("on-ssd"));
    assertEquals("gpu", awaitBound("on-gpu"));
    await().atMost(PATIENCE).until(() -> eventsAbout("large", "Scheduled").stream()
        .anyMatch(e -> e.getType().equals("Normal")
            && e.getMessage().equals("Successfully assigned default/large to big")));
  }

  @Test
  void spreadsThePodsOfOneOwnerAndNeverOvercommits() {
    for (String name : List.of("a", "b", "c")) {
      register(node(name).allocatable("cpu", "2").build());
    }
    for (int i = 0; i < 6; i++) {
      pods.create(pod("web-" + i).owner("web-rs").build());
    }
    Map<String, Long> perNode = IntStream.range(0, 6).mapToObj(i -> awaitBound("web-" + i))
        .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
    assertEquals(Map.of("a", 2L, "b", 2L, "c", 2L), perNode);

    // each node has room for one of these: three are bound, one to each node, the fourth fits nowhere
    for (int i = 0; i < 4; i++) {
      pods.create(pod("batch-" + i).requests("1500m", null).build());
    }
    await().atMost(PATIENCE).until(() -> IntStream.range(0, 4).filter(i -> !nodeOf("batch-" + i).isEmpty()).count() == 3
        && IntStream.range(0, 4).anyMatch(i -> unschedulableMessage("batch-" + i)
            .equals(Optional.of("0/3 nodes are available: 3 Insufficient cpu."))));
    assertEquals(3, IntStream.range(0, 4).mapToObj(i -> nodeOf("batch-" + i)).filter(n -> !n.isEmpty()).distinct()
        .count());
  }

  @Test
  void aPodThatFitsNowhereIsToldWhyAndPlacedWhenANodeComesThatFits() {
    register(node("small-1").allocatable("cpu", "1").build());
    register(node("small-2").allocatable("cpu", "1").build());
    register(node("gpu").allocatable("cpu", "8").taint("dedicated", "gpu", "NoSchedule").build());
    pods.create(pod("hungry").requests("2", null).build());

    String expected = "0/3 nodes are available: 1 node(s) had untolerated taint {dedicated: gpu}, 2 Insufficient cpu.";
    await().atMost(PATIENCE).until(() -> unschedulableMessage("hungry").equals(Optional.of(expected)));
    await().atMost(PATIENCE).until(() -> eventsAbout("hungry", "FailedScheduling").stream()
        .anyMatch(e -> e.getType().equals("Warning") && e.getMessage().equals(expected)));
    assertEquals("", nodeOf("hungry"));

    register(node("large").allocatable("cpu", "4").build());
    assertEquals("large", awaitBound("hungry"));
    // the "no" is cleared for the node agent to say "yes"
    assertTrue(pods.get("default", "hungry").getStatus().getConditionsList().stream()
        .noneMatch(c -> c.getType().equals("PodScheduled")));
  }

  @Test
  void aBindOnAStalePodIsRefusedForgottenAndTriedAgain() {
    // a pod for another scheduler, so that only the binder under test writes it
    Pod stale = pods.create(pod("stale").schedulerName("other-scheduler").build());
    pods.update(stale.toBuilder().setMetadata(stale.getMetadata().toBuilder().putLabels("changed", "yes")).build());
    SchedulerCache cache = new SchedulerCache();
    try (SchedulingQueue queue = new SchedulingQueue()) {
      Binder binder = new Binder(pods, ctx.events(), cache, queue, Runnable::run);
      cache.assume(PodInfo.of(stale), "somewhere");
      binder.bind(stale, "somewhere");
      assertFalse(cache.isAssumed(stale.getMetadata().getUid()));
      assertEquals("", nodeOf("stale"));
      await().atMost(PATIENCE).until(() -> queue.activeCount() == 1);
    }

    Pod gone = pods.get("default", "stale");
    pods.delete(DeleteRequest.newBuilder().setNamespace("default").setName("stale").build());
    try (SchedulingQueue queue = new SchedulingQueue()) {
      Binder binder = new Binder(pods, ctx.events(), cache, queue, Runnable::run);
      cache.assume(PodInfo.of(gone), "somewhere");
      binder.bind(gone, "somewhere");
      assertFalse(cache.isAssumed(gone.getMetadata().getUid()));
      // not tried again, however long one waits: there is nothing to bind
      await().during(Binder.ERROR_RETRY.multipliedBy(2)).atMost(PATIENCE).until(() -> queue.activeCount() == 0);
    }
  }

  /** Creates a node and writes its status, as a node agent registers. */
  private void register(Node node) {
    nodes.create(node.toBuilder().clearStatus().build());
    nodes.updateStatus(node.toBuilder().setMetadata(ObjectMeta.newBuilder().setName(node.getMetadata().getName()))
        .build());
  }

  private String nodeOf(String pod) {
    return pods.get("default", pod).getSpec().getNodeName();
  }

  private String awaitBound(String pod) {
    return await().atMost(PATIENCE).until(() -> nodeOf(pod), node -> !node.isEmpty());
  }

  private Optional<String> unschedulableMessage(String pod) {
    for (Condition condition : pods.get("default", pod).getStatus().getConditionsList()) {
      if (condition.getType().equals("PodScheduled") && condition.getStatus().equals("False")
          && condition.getReason().equals("Unschedulable")) {
        return Optional.of(condition.getMessage());
      }
    }
    return Optional.empty();
  }

  private List<Event> eventsAbout(String pod, String reason) {
    return events.list(ListRequest.newBuilder().setNamespace("default")
        .setFieldSelector("involvedObject.name=" + pod + ",reason=" + reason).build()).items();
  }
}
