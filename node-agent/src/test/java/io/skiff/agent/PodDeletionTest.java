package io.skiff.agent;

import static io.skiff.agent.PodTesting.awaitPod;
import static io.skiff.agent.PodTesting.container;
import static io.skiff.agent.PodTesting.containersOf;
import static io.skiff.agent.PodTesting.find;
import static io.skiff.agent.PodTesting.phase;
import static io.skiff.agent.PodTesting.pod;
import static io.skiff.agent.PodTesting.unique;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skiff.agent.runtime.ContainerScript;
import io.skiff.agent.runtime.ContainerStatus;
import io.skiff.agent.runtime.RuntimeEvent;
import io.skiff.agent.runtime.RuntimeLabels;
import io.skiff.api.v1.DeleteRequest;
import io.skiff.api.v1.Pod;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Deleting a pod: SIGTERM, the grace period, SIGKILL, then the pod object goes; force-deleted pods' containers go too. */
class PodDeletionTest extends AgentOnMemoryRuntime {
  @Test
  void theGracePeriodIsHonouredAndThePodGoesOnlyAfterItsContainers() {
    runtime.script("sleep:1", ContainerScript.runs().ignoringSigterm());
    String name = unique("sleepy");
    Pod.Builder sleepy = pod(name, agent.node, "Always", container("main", "sleep:1"));
    sleepy.getSpecBuilder().setTerminationGracePeriodSeconds(2);
    pods.create(sleepy.build());
    awaitPod(pods, name, p -> phase(p, "Running"));
    AtomicReference<Instant> removed = new AtomicReference<>();
    runtime.subscribe(e -> {
      if (e.type() == RuntimeEvent.Type.REMOVED && name.equals(e.labels().get(RuntimeLabels.POD_NAME))) {
        removed.compareAndSet(null, Instant.now());
      }
    });

    Instant asked = Instant.now();
    Pod marked = pods.delete(DeleteRequest.newBuilder().setNamespace("default").setName(name).build());
    assertTrue(marked.getMetadata().hasDeletionTimestamp());
    assertEquals(2, marked.getMetadata().getDeletionGracePeriodSeconds());

    // within the grace period the container runs on (it ignores SIGTERM) and the pod object stays
    await().during(Duration.ofMillis(1000)).atMost(Duration.ofSeconds(3)).until(() -> find(pods, name).isPresent()
        && containersOf(runtime, name).stream().anyMatch(c -> c.state() == ContainerStatus.State.RUNNING));
    await().atMost(PodTesting.PATIENCE).until(() -> find(pods, name).isEmpty());
    Instant gone = Instant.now();

    assertTrue(containersOf(runtime, name).isEmpty(), "no container left");
    assertTrue(runtime.listSandboxes().stream().noneMatch(s -> name.equals(s.labels().get(RuntimeLabels.POD_NAME))));
    assertTrue(Duration.between(asked, removed.get()).toMillis() >= 2000, "killed only when the grace period was over");
    assertTrue(!removed.get().isAfter(gone), "containers removed before the pod object went");
  }

  @Test
  void aContainerThatHeedsSigtermGoesAtOnce() {
    String name = unique("quick");
    Pod.Builder quick = pod(name, agent.node, "Always", container("main", "app:1"));
    quick.getSpecBuilder().setTerminationGracePeriodSeconds(30);
    pods.create(quick.build());
    awaitPod(pods, name, p -> phase(p, "Running"));

    Instant asked = Instant.now();
    pods.delete(DeleteRequest.newBuilder().setNamespace("default").setName(name).build());
    await().atMost(Duration.ofSeconds(10)).until(() -> find(pods, name).isEmpty());

    assertTrue(Duration.between(asked, Instant.now()).toSeconds() < 10, "not the whole 30 s grace period");
    assertTrue(containersOf(runtime, name).isEmpty());
  }

  @Test
  void containersOfAPodTheMastersNoLongerHaveAreRemoved() {
    String name = unique("forced");
    pods.create(pod(name, agent.node, "Always", container("main", "app:1")).build());
    awaitPod(pods, name, p -> phase(p, "Running"));

    pods.delete(DeleteRequest.newBuilder().setNamespace("default").setName(name).setGracePeriodSeconds(0).build());
    assertTrue(find(pods, name).isEmpty(), "a forced delete removes the object at once");

    await().atMost(PodTesting.PATIENCE).until(() -> containersOf(runtime, name).isEmpty()
        && runtime.listSandboxes().stream().noneMatch(s -> name.equals(s.labels().get(RuntimeLabels.POD_NAME))));
  }
}
