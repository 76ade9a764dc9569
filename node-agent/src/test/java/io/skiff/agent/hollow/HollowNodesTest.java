package io.skiff.agent.hollow;

import static io.skiff.agent.PodTesting.condition;
import static io.skiff.agent.PodTesting.container;
import static io.skiff.agent.PodTesting.phase;
import static io.skiff.agent.PodTesting.pod;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Timestamp;
import com.google.protobuf.util.Timestamps;
import io.skiff.agent.AgentConfig;
import io.skiff.agent.PodTesting;
import io.skiff.agent.SharedMasters;
import io.skiff.agent.TestAgent;
import io.skiff.agent.runtime.ContainerScript;
import io.skiff.api.v1.DeleteRequest;
import io.skiff.api.v1.Event;
import io.skiff.api.v1.ExecAction;
import io.skiff.api.v1.HTTPGetAction;
import io.skiff.api.v1.Lease;
import io.skiff.api.v1.ListRequest;
import io.skiff.api.v1.LogChunk;
import io.skiff.api.v1.Node;
import io.skiff.api.v1.Pod;
import io.skiff.api.v1.PodLogsRequest;
import io.skiff.api.v1.PodsGrpc;
import io.skiff.api.v1.Probe;
import io.skiff.client.Credentials;
import io.skiff.client.ResourceClient;
import io.skiff.client.ResourceTypes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Fifty hollow nodes in this JVM against a real master: they register Ready with the capacity and
 * labels they were given, renew their leases, run the pods bound to them (probes and logs too) and
 * let them go when deleted, each telling its own Events through the one writer they share; a stopped
 * one falls silent while the others go on.
 */
@ExtendWith(SharedMasters.class)
class HollowNodesTest {
  private static final int COUNT = 50;
  /** Fifty nodes starting on a shared two-core machine take longer than one agent does. */
  private static final Duration PATIENCE = Duration.ofSeconds(60);

  private static String prefix;
  private static HollowNodes hollow;
  private static ResourceClient<Node> nodes;
  private static ResourceClient<Lease> leases;
  private static ResourceClient<Pod> pods;

  @BeforeAll
  static void startNodes() throws Exception {
    prefix = PodTesting.unique("hollow");
    AgentConfig template = TestAgent.config(SharedMasters.cluster(), "unused")
        .withIntervals(Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(10))
        .withMaxPods(30)
        .withNodeLabels(Map.of("skiff.io/hollow-set", prefix));
    hollow = new HollowNodes(template, 0, Credentials.insecure());
    hollow.start(prefix, COUNT, 4, 16L << 30);
    nodes = new ResourceClient<>(SharedMasters.cluster().channel(0), ResourceTypes.NODES, 10_000);
    leases = new ResourceClient<>(SharedMasters.cluster().channel(0), ResourceTypes.LEASES, 10_000);
    pods = PodTesting.pods(SharedMasters.cluster().channel(0));
  }

  @AfterAll
  static void stopNodes() throws Exception {
    hollow.close();
  }

  @Test
  void everyNodeRegistersReadyWithItsCapacityAndLabelsAndRenewsItsLease() {
    List<Node> registered = await().atMost(PATIENCE).until(HollowNodesTest::ourNodes,
        list -> list.size() == COUNT && list.stream().allMatch(n -> ready(n)));
    for (Node node : registered) {
      Map<String, String> capacity = node.getStatus().getCapacityMap();
      assertEquals(Map.of("cpu", "4", "memory", "16384Mi", "pods", "30"), capacity);
      assertEquals(capacity, node.getStatus().getAllocatableMap());
      assertEquals(node.getMetadata().getName(), node.getMetadata().getLabelsMap().get("kubernetes.io/hostname"));
      assertEquals(hollow.port(), node.getStatus().getDaemonEndpoints().getKubeletEndpoint().getPort());
      assertEquals("in-memory://1.0", node.getStatus().getNodeInfo().getContainerRuntimeVersion());
    }
    assertTrue(registered.get(0).getMetadata().getName().endsWith("-0000"));

    Map<String, Timestamp> first = await().atMost(PATIENCE).until(HollowNodesTest::renewTimes,
        times -> times.size() == COUNT);
    await().atMost(PATIENCE).until(() -> {
      Map<String, Timestamp> now = renewTimes();
      return first.keySet().stream().allMatch(name -> Timestamps.compare(now.get(name), first.get(name)) > 0);
    });
  }

  @Test
  void podsBoundToHollowNodesRunAndGetReadyAndGoWhenDeleted() {
    List<HollowNode> running = new ArrayList<>();
    for (int i = 0; i < COUNT - 1; i += 5) {  // ten of them (the last node is stopped by another test)
      running.add(hollow.nodes().get(i));
    }
    running.get(0).runtime().script("echo:1", ContainerScript.runs().printing("hello from a hollow node"));
    List<String> names = new ArrayList<>();
    for (HollowNode node : running) {
      String name = PodTesting.unique("on-" + node.name());
      names.add(name);
      pods.create(pod(name, node.name(), "Always", container("main", names.size() == 1 ? "echo:1" : "app:1")
          .setReadinessProbe(names.size() % 2 == 0 ? execProbe() : httpProbe())).build());
    }

    for (String name : names) {
      PodTesting.awaitPod(pods, name, p -> phase(p, "Running") && condition(p, "Ready", "True"));
    }
    assertEquals("hello from a hollow node\n", logs(names.get(0)), "logs come through the nodes' shared server");
    ResourceClient<Event> events = PodTesting.events(SharedMasters.cluster().channel(0));
    for (int i = 0; i < names.size(); i++) {
      String node = running.get(i).name();
      String uid = PodTesting.get(pods, names.get(i)).getMetadata().getUid();
      await().atMost(PATIENCE).until(() -> PodTesting.eventsAbout(events, uid), told -> told.stream()
          .anyMatch(e -> e.getReason().equals("Started") && e.getSource().getHost().equals(node)));
    }

    for (String name : names) {
      pods.delete(DeleteRequest.newBuilder().setNamespace("default").setName(name).build());
    }
    for (String name : names) {
      await().atMost(PATIENCE).until(() -> PodTesting.find(pods, name).isEmpty());
    }
    for (HollowNode node : running) {
      await().atMost(PATIENCE).until(() -> node.runtime().listContainers().isEmpty()
          && node.runtime().listSandboxes().isEmpty());
    }
  }

  @Test
  void aStoppedNodeNoLongerRenewsItsLeaseWhileTheOthersDo() throws Exception {
    String stopped = hollow.nodes().get(COUNT - 1).name();
    String other = hollow.nodes().get(0).name();
    await().atMost(PATIENCE).until(() -> renewTimes().size() == COUNT);

    hollow.stop(stopped);
    Timestamp last = lease(stopped).getSpec().getRenewTime();
    Timestamp otherBefore = lease(other).getSpec().getRenewTime();
    // two more renewals of another node: time enough for the stopped one to have renewed, had it run
    Timestamp otherOnce = await().atMost(PATIENCE).until(() -> lease(other).getSpec().getRenewTime(),
        t -> Timestamps.compare(t, otherBefore) > 0);
    await().atMost(PATIENCE).until(() -> Timestamps.compare(lease(other).getSpec().getRenewTime(), otherOnce) > 0);
    assertEquals(last, lease(stopped).getSpec().getRenewTime());
    assertEquals(COUNT - 1, hollow.nodes().size());
  }

  private static List<Node> ourNodes() {
    return nodes.list(ListRequest.newBuilder().setLabelSelector("skiff.io/hollow-set=" + prefix).build()).items();
  }

  private static boolean ready(Node node) {
    return node.getStatus().getConditionsList().stream()
        .anyMatch(c -> c.getType().equals("Ready") && c.getStatus().equals("True"));
  }

  private static Lease lease(String node) {
    return leases.get("skiff-system", node);
  }

  /** The renew time of each of our nodes' leases, by node. */
  private static Map<String, Timestamp> renewTimes() {
    Map<String, Timestamp> times = new HashMap<>();
    for (Lease lease : leases.list(ListRequest.newBuilder().setNamespace("skiff-system").build()).items()) {
      if (lease.getMetadata().getName().startsWith(prefix + "-")) {
        times.put(lease.getMetadata().getName(), lease.getSpec().getRenewTime());
      }
    }
    return times;
  }

  private static Probe execProbe() {
    return Probe.newBuilder().setExec(ExecAction.newBuilder().addCommand("check")).setPeriodSeconds(1).build();
  }

  /** A made-up pod address: a hollow node answers HTTP probes without sending anything. */
  private static Probe httpProbe() {
    return Probe.newBuilder().setHttpGet(HTTPGetAction.newBuilder().setPath("/healthz").setPort(8080))
        .setPeriodSeconds(1).build();
  }

  private static String logs(String pod) {
    StringBuilder out = new StringBuilder();
    Iterator<LogChunk> stream = PodsGrpc.newBlockingStub(SharedMasters.cluster().channel(0))
        .withDeadlineAfter(20, TimeUnit.SECONDS)
        .logs(PodLogsRequest.newBuilder().setNamespace("default").setName(pod).build());
    stream.forEachRemaining(chunk -> out.append(chunk.getData().toStringUtf8()));
    return out.toString();
  }
}
