package io.skiff.agent.e2e;

import static io.skiff.agent.PodTesting.find;
import static io.skiff.agent.PodTesting.phase;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.StatusRuntimeException;
import io.skiff.agent.PodTesting;
import io.skiff.agent.SharedMasters;
import io.skiff.api.v1.DeleteRequest;
import io.skiff.api.v1.Node;
import io.skiff.api.v1.ObjectMeta;
import io.skiff.api.v1.Pod;
import io.skiff.api.v1.PodSpec;
import io.skiff.client.ResourceClient;
import io.skiff.client.ResourceTypes;
import io.skiff.controlplane.testing.MasterCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code kill -9} of the agent process, and a new one on the same node: it adopts the pods' running
 * containers, so there is no duplicate container and the healthy one is not restarted.
 */
@Tag("process")
@ExtendWith(SharedMasters.class)
class AgentKillProcessTest {
  private static final Duration PATIENCE = Duration.ofSeconds(90);

  private final ResourceClient<Pod> pods = PodTesting.pods(SharedMasters.cluster().channel(0));
  private final ResourceClient<Node> nodes = new ResourceClient<>(SharedMasters.cluster().channel(0),
      ResourceTypes.NODES, 10_000);
  private final List<AgentProcess> agents = new ArrayList<>();
  private PodmanNode node;

  @BeforeEach
  void open() {
    node = PodmanNode.open();
  }

  @AfterEach
  void cleanUp() {
    try {
      agents.forEach(AgentProcess::close);
    } finally {
      node.close();
    }
  }

  @Test
  void aKilledAgentsSuccessorAdoptsTheRunningContainers() throws Exception {
    AgentProcess first = startAgent();
    String healthy = node.name("healthy");
    String web = node.name("web");
    pods.create(pod(healthy, PodmanEndToEndTest.busybox("app", "exec sleep 3600")));
    pods.create(pod(web, PodmanEndToEndTest.busybox("web", "mkdir -p /www; exec httpd -f -p 8080 -h /www")));
    Pod before = awaitPod(first, healthy, p -> phase(p, "Running"));
    Pod webBefore = awaitPod(first, web, p -> phase(p, "Running"));
    String containerId = before.getStatus().getContainerStatuses(0).getContainerId();
    String sandbox = node.pods(healthy).get(0).id();

    first.kill();
    // a pod created while no agent runs is started by the next one
    String late = node.name("late");
    pods.create(pod(late, PodmanEndToEndTest.busybox("app", "exec sleep 3600")));
    AgentProcess second = startAgent();
    awaitPod(second, late, p -> phase(p, "Running"));
    // the new agent synced every pod on start; give it a few seconds more to do anything wrong
    await().during(Duration.ofSeconds(5)).atMost(PATIENCE).until(second::isAlive);

    for (String name : List.of(healthy, web, late)) {
      assertEquals(1, node.appContainers(name).size(), name + ": " + node.appContainers(name));
      assertEquals(1, node.pods(name).size(), name + ": " + node.pods(name));
      assertEquals("running", node.appContainers(name).get(0).state(), name);
    }
    Pod after = PodTesting.get(pods, healthy);
    assertEquals("Running", after.getStatus().getPhase());
    assertEquals(containerId, after.getStatus().getContainerStatuses(0).getContainerId(), "the same container");
    assertEquals(0, after.getStatus().getContainerStatuses(0).getRestartCount());
    assertEquals("podman://" + node.appContainers(healthy).get(0).id(), containerId);
    assertEquals(sandbox, node.pods(healthy).get(0).id(), "the same sandbox");
    Pod webAfter = PodTesting.get(pods, web);
    assertEquals(webBefore.getStatus().getContainerStatuses(0).getContainerId(),
        webAfter.getStatus().getContainerStatuses(0).getContainerId());
    assertEquals(0, webAfter.getStatus().getContainerStatuses(0).getRestartCount());

    for (String name : List.of(healthy, web, late)) {
      pods.delete(DeleteRequest.newBuilder().setNamespace("default").setName(name).setGracePeriodSeconds(0).build());
    }
    for (String name : List.of(healthy, web, late)) {
      await().atMost(PATIENCE).until(() -> find(pods, name).isEmpty() && node.containers(name).isEmpty());
    }
    nodes.delete(DeleteRequest.newBuilder().setName(node.node).build());
  }

  private AgentProcess startAgent() {
    MasterCluster masters = SharedMasters.cluster();
    AgentProcess agent = AgentProcess.start("agent-kill", AgentProcess.JVM_OPTIONS, List.of(
        "--masters", "127.0.0.1:" + masters.apiPort(0), "--node-name", node.node,
        "--port", String.valueOf(PodmanNode.freePort()), "--podman-socket", PodmanNode.socket().toString(),
        "--backoff-initial-ms", "200", "--backoff-max-ms", "1600", "--insecure"));
    agents.add(agent);
    return agent;
  }

  private Pod pod(String name, io.skiff.api.v1.Container.Builder container) {
    return Pod.newBuilder().setMetadata(ObjectMeta.newBuilder().setNamespace("default").setName(name))
        .setSpec(PodSpec.newBuilder().setNodeName(node.node).setRestartPolicy("Always")
            .setTerminationGracePeriodSeconds(1).addContainers(container)).build();
  }

  private Pod awaitPod(AgentProcess agent, String name, Predicate<Pod> condition) {
    try {
      return await().atMost(PATIENCE).pollInterval(Duration.ofMillis(100))
          .ignoreException(StatusRuntimeException.class)
          .until(() -> {
            if (!agent.isAlive()) {
              throw new IllegalStateException("the agent exited\n" + agent.logTail());
            }
            return PodTesting.get(pods, name);
          }, condition);
    } catch (RuntimeException e) {
      throw new AssertionError(name + " did not get there\n" + agent.logTail(), e);
    }
  }
}
