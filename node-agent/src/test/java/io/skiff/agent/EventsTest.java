package io.skiff.agent;

import static io.skiff.agent.PodTesting.awaitPod;
import static io.skiff.agent.PodTesting.container;
import static io.skiff.agent.PodTesting.phase;
import static io.skiff.agent.PodTesting.pod;
import static io.skiff.agent.PodTesting.unique;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skiff.agent.runtime.ContainerScript;
import io.skiff.agent.runtime.ExecResult;
import io.skiff.agent.runtime.RuntimeLabels;
import io.skiff.api.v1.DeleteRequest;
import io.skiff.api.v1.Event;
import io.skiff.api.v1.ExecAction;
import io.skiff.api.v1.Node;
import io.skiff.api.v1.Pod;
import io.skiff.api.v1.Probe;
import io.skiff.client.ResourceClient;
import io.skiff.client.ResourceTypes;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The kubelet's Events, recorded by a real agent and read back through the Events API: what
 * happens to a pod's containers (pulls, starts, kills, failed probes, back-offs), once per
 * transition, and the node's start.
 */
class EventsTest extends AgentOnMemoryRuntime {
  private final ResourceClient<Event> events = PodTesting.events(SharedMasters.cluster().channel(0));
  private final ResourceClient<Node> nodes = new ResourceClient<>(SharedMasters.cluster().channel(0),
      ResourceTypes.NODES, 10_000);

  @Test
  void aPodThatStartsAndIsDeletedToldOnceEachStep() {
    String name = unique("web");
    Pod pod = pods.create(pod(name, agent.node, "Always", container("app", "web:1")).build());
    awaitPod(pods, name, p -> phase(p, "Running"));
    pods.delete(DeleteRequest.newBuilder().setNamespace("default").setName(name).build());

    List<Event> told = awaitEvents(pod, e -> e.stream().anyMatch(reason("Killing")));
    assertEquals(List.of("Pulling", "Pulled", "Created", "Started", "Killing"), told.stream().map(Event::getReason)
        .toList(), "in order, each once: the syncs between them told nothing again");
    assertTrue(told.stream().allMatch(e -> e.getCount() == 1), told.toString());
    assertTrue(told.get(1).getMessage().matches("Successfully pulled image \"web:1\" in [0-9.]+m?s"),
        told.get(1).getMessage());
    assertEquals("Created container app", told.get(2).getMessage());
    assertEquals("Started container app", told.get(3).getMessage());
    assertEquals("Stopping container app", told.get(4).getMessage());
    for (Event event : told) {
      assertEquals("Normal", event.getType());
      assertEquals("Pod", event.getInvolvedObject().getKind());
      assertEquals(name, event.getInvolvedObject().getName());
      assertEquals("default", event.getMetadata().getNamespace());
      assertEquals("spec.containers{app}", event.getInvolvedObject().getFieldPath());
      assertEquals(AgentModule.EVENT_SOURCE, event.getSource().getComponent());
      assertEquals(agent.node, event.getSource().getHost());
    }
  }

  @Test
  void aFailingLivenessProbeIsUnhealthyThenKilling() {
    // the first instance fails its health check; the one after it is healthy
    runtime.script(c -> c.image().equals("sick:1") ? ContainerScript.runs().onExec(cmd ->
        c.labels().get(RuntimeLabels.ATTEMPT).equals("0") ? new ExecResult(1, "not healthy\n")
            : new ExecResult(0, "")) : null);
    String name = unique("sick");
    Pod pod = pods.create(pod(name, agent.node, "Always", container("app", "sick:1")
        .setLivenessProbe(Probe.newBuilder().setExec(ExecAction.newBuilder().addCommand("check"))
            .setPeriodSeconds(1).setFailureThreshold(2).setTimeoutSeconds(1))).build());

    List<Event> told = awaitEvents(pod, e -> e.stream().anyMatch(reason("Started").and(ev -> ev.getCount() == 2)));
    assertEquals(List.of("Pulling", "Pulled", "Unhealthy", "Killing", "Pulled", "Created", "Started"),
        told.stream().map(Event::getReason).toList(), "the failing probe told once, then the kill, then the restart");
    assertEquals(List.of(1, 1, 1, 1, 1, 2, 2), told.stream().map(Event::getCount).toList(),
        "a repeat raises the count of what was said before");
    Event unhealthy = told.get(2);
    assertEquals("Warning", unhealthy.getType());
    assertEquals("Liveness probe failed: not healthy", unhealthy.getMessage());
    assertEquals("Container app failed liveness probe, will be restarted", told.get(3).getMessage());
    assertEquals("Container image \"sick:1\" already present on machine", told.get(4).getMessage());
  }

  @Test
  void aMissingImageIsFailedThenBackOff() {
    runtime.refusePulls("ghost:1", "manifest for ghost:1 not found");
    String name = unique("ghost");
    Pod pod = pods.create(pod(name, agent.node, "Always", container("main", "ghost:1")).build());

    List<Event> told = awaitEvents(pod, e -> e.stream().anyMatch(reason("BackOff")));
    Map<String, Event> byReason = told.stream().collect(Collectors.toMap(Event::getReason, e -> e));
    assertEquals(Set.of("Pulling", "Failed", "BackOff"), byReason.keySet());
    assertEquals("Failed to pull image \"ghost:1\": manifest for ghost:1 not found",
        byReason.get("Failed").getMessage());
    assertEquals("Back-off pulling image \"ghost:1\"", byReason.get("BackOff").getMessage());
    assertEquals("Warning", byReason.get("Failed").getType());
    assertEquals("Warning", byReason.get("BackOff").getType());
  }

  @Test
  void aCrashingContainerIsToldAsBackOffRestarting() {
    runtime.script("crash:1", ContainerScript.runs().exitingAfter(Duration.ofMillis(50), 1));
    String name = unique("crash");
    Pod pod = pods.create(pod(name, agent.node, "Always", container("app", "crash:1")).build());

    List<Event> told = awaitEvents(pod, e -> e.stream().anyMatch(reason("BackOff")));
    Event backOff = told.stream().filter(reason("BackOff")).findFirst().orElseThrow();
    assertEquals("Warning", backOff.getType());
    assertEquals("Back-off restarting failed container app in pod " + name + "_default(" + pod.getMetadata().getUid()
        + ")", backOff.getMessage());
  }

  @Test
  void theNodeIsToldStartingAndReady() {
    await().atMost(PodTesting.PATIENCE).until(agent.agent::registered);
    String uid = nodes.get("", agent.node).getMetadata().getUid();
    List<Event> told = await().atMost(PodTesting.PATIENCE).until(() -> PodTesting.eventsAbout(events, uid),
        e -> e.size() >= 2);
    assertTrue(told.stream().allMatch(e -> e.getInvolvedObject().getKind().equals("Node")
        && e.getInvolvedObject().getName().equals(agent.node)), told.toString());
    assertEquals(List.of("Starting", "NodeReady"), told.stream().map(Event::getReason).toList());
    assertEquals("Node " + agent.node + " status is now: NodeReady", told.get(1).getMessage());
    assertEquals(agent.node, told.get(0).getSource().getHost());
  }

  /** The pod's Events once {@code done} holds, in the order they were last written. */
  private List<Event> awaitEvents(Pod pod, Predicate<List<Event>> done) {
    return await().atMost(PodTesting.PATIENCE).until(() -> PodTesting.eventsAbout(events, pod.getMetadata().getUid()),
        done);
  }

  private static Predicate<Event> reason(String reason) {
    return e -> e.getReason().equals(reason);
  }
}
