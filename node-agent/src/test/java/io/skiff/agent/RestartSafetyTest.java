package io.skiff.agent;

import static io.skiff.agent.PodTesting.awaitPod;
import static io.skiff.agent.PodTesting.container;
import static io.skiff.agent.PodTesting.containersOf;
import static io.skiff.agent.PodTesting.phase;
import static io.skiff.agent.PodTesting.pod;
import static io.skiff.agent.PodTesting.unique;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.skiff.agent.runtime.ContainerConfig;
import io.skiff.agent.runtime.ContainerStatus;
import io.skiff.agent.runtime.InMemoryRuntime;
import io.skiff.agent.runtime.RuntimeLabels;
import io.skiff.agent.runtime.SandboxConfig;
import io.skiff.api.v1.Node;
import io.skiff.api.v1.Pod;
import io.skiff.client.ResourceClient;
import io.skiff.client.ResourceTypes;
import io.skiff.controlplane.testing.MasterCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent owns nothing it cannot rebuild: restarted, it adopts its containers without
 * duplicating or restarting them and removes orphans; with every master down its containers run
 * on, its watch resumes when a master returns, and its node is Ready again at once. Its own
 * master, since it stops it.
 */
class RestartSafetyTest {
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
  void aRestartedAgentAdoptsHealthyContainersAndRemovesOrphans() throws Exception {
    ResourceClient<Pod> pods = PodTesting.pods(cluster.channel(0));
    String node = TestAgent.uniqueNode();
    try (InMemoryRuntime runtime = new InMemoryRuntime()) {
      String name = unique("steady");
      try (TestAgent first = TestAgent.start(cluster, node, runtime)) {
        pods.create(pod(name, node, "Always", container("main", "app:1")).build());
        awaitPod(pods, name, p -> phase(p, "Running"));
      }
      ContainerStatus before = containersOf(runtime, name).get(0);
      // what a pod the masters never heard of left behind (as if deleted while no agent ran)
      runtime.addImage("old:1");
      String orphanSandbox = runtime.createSandbox(new SandboxConfig("skiff_old", labels("gone-uid"), "old", List.of()));
      String orphan = runtime.createContainer(orphanSandbox, new ContainerConfig("skiff_main_old", "old:1", List.of(),
          List.of(), Map.of(), "", 0, 0, withContainer(labels("gone-uid"))));
      runtime.startContainer(orphan);

      try (TestAgent second = TestAgent.start(cluster, node, runtime)) {
        await().atMost(PodTesting.PATIENCE).until(() -> runtime.inspectContainer(orphan).isEmpty()
            && runtime.listSandboxes().stream().noneMatch(s -> s.id().equals(orphanSandbox)));
        await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(5)).until(() ->
            containersOf(runtime, name).size() == 1);
        ContainerStatus after = containersOf(runtime, name).get(0);
        assertEquals(before.id(), after.id(), "the same container, adopted");
        assertEquals(before.startedAt(), after.startedAt(), "not restarted");
        assertEquals(ContainerStatus.State.RUNNING, after.state());
        Pod pod = PodTesting.get(pods, name);
        assertEquals(0, pod.getStatus().getContainerStatuses(0).getRestartCount());
        assertEquals("in-memory://" + before.id(), pod.getStatus().getContainerStatuses(0).getContainerId());
      }
    }
  }

  @Test
  void containersRunOnWhileTheMastersAreDownAndTheWatchResumes() throws Exception {
    ResourceClient<Pod> pods = PodTesting.pods(cluster.channel(0));
    String node = TestAgent.uniqueNode();
    try (InMemoryRuntime runtime = new InMemoryRuntime(); TestAgent agent = TestAgent.start(cluster, node, runtime)) {
      String name = unique("resilient");
      pods.create(pod(name, node, "Always", container("main", "app:1")).build());
      awaitPod(pods, name, p -> phase(p, "Running"));
      ContainerStatus before = containersOf(runtime, name).get(0);

      cluster.stop(0);
      await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4)).until(() ->
          containersOf(runtime, name).size() == 1
              && containersOf(runtime, name).get(0).state() == ContainerStatus.State.RUNNING);
      cluster.restart(0);

      String later = unique("later");
      await().atMost(PodTesting.PATIENCE).ignoreException(StatusRuntimeException.class).until(() -> {
        try {
          pods.create(pod(later, node, "Always", container("main", "app:1")).build());
        } catch (StatusRuntimeException e) {
          if (e.getStatus().getCode() != Status.Code.ALREADY_EXISTS) {
            throw e;
          }
        }
        return true;
      });
      awaitPod(pods, later, p -> phase(p, "Running"));
      ContainerStatus after = containersOf(runtime, name).get(0);
      assertEquals(before.id(), after.id());
      assertEquals(before.startedAt(), after.startedAt(), "untouched while the masters were away");
      assertTrue(agent.agent.registered());
    }
  }

  @Test
  void aNodeMarkedUnknownWhileTheAgentWasOutOfTouchIsReadyAgainAtItsFirstRenewal() throws Exception {
    ResourceClient<Node> nodes = new ResourceClient<>(cluster.channel(0), ResourceTypes.NODES, 10_000);
    String node = TestAgent.uniqueNode();
    // a status interval far longer than the test: only the renewal after the silence can set Ready again
    AgentConfig config = TestAgent.config(cluster, node).withIntervals(Duration.ofMillis(200), Duration.ofMinutes(10),
        Duration.ofSeconds(1));
    try (InMemoryRuntime runtime = new InMemoryRuntime(); TestAgent agent = TestAgent.start(config, runtime)) {
      await().atMost(PodTesting.PATIENCE).ignoreException(StatusRuntimeException.class)
          .until(() -> ready(nodes.get("", node)).equals("True"));
      // what the node lifecycle controller writes when it has heard nothing for the grace period
      Node seen = nodes.get("", node);
      nodes.updateStatus(seen.toBuilder().setStatus(seen.getStatus().toBuilder().clearConditions()
          .addConditions(seen.getStatus().getConditions(0).toBuilder().setStatus("Unknown")
              .setReason("NodeStatusUnknown"))).build());

      cluster.stop(0);
      await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(agent.agent::registered);
      cluster.restart(0);

      await().atMost(PodTesting.PATIENCE).ignoreException(StatusRuntimeException.class)
          .until(() -> ready(nodes.get("", node)).equals("True"));
    }
  }

  private static String ready(Node node) {
    return node.getStatus().getConditionsList().stream().filter(c -> c.getType().equals("Ready"))
        .map(c -> c.getStatus()).findFirst().orElse("");
  }

  private static Map<String, String> labels(String uid) {
    return Map.of(RuntimeLabels.MANAGED, "true", RuntimeLabels.POD_UID, uid, RuntimeLabels.POD_NAME, "old",
        RuntimeLabels.POD_NAMESPACE, "default");
  }

  private static Map<String, String> withContainer(Map<String, String> labels) {
    Map<String, String> all = new java.util.HashMap<>(labels);
    all.put(RuntimeLabels.CONTAINER_NAME, "main");
    all.put(RuntimeLabels.ATTEMPT, "0");
    return all;
  }
}
