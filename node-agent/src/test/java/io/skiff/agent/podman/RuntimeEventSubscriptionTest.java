package io.skiff.agent.podman;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.Map;

import io.skiff.agent.runtime.RuntimeEvent;
import org.junit.jupiter.api.Test;

class RuntimeEventSubscriptionTest {
  private static final String POD = "ed43b3f1629fcade95d95818d0daf2db160e155d8d10c02d55806f4882bc487b";

  @Test
  void diedEventCarriesExitCodeLabelsAndPod() {
    var event = new LibpodJson.Event("container", "died", new LibpodJson.Actor("c1", Map.of(
        "name", "web-main", "image", "localhost/busybox:latest", "podId", POD, "containerExitCode", "3",
        "io.skiff.managed", "true", "io.skiff.pod.uid", "u1")), 1_795_836_276_764_506_980L);
    RuntimeEvent e = RuntimeEventSubscription.runtimeEvent(event).orElseThrow();
    assertEquals(new RuntimeEvent(RuntimeEvent.Type.EXITED, "c1", "web-main", POD,
        Map.of("io.skiff.managed", "true", "io.skiff.pod.uid", "u1"), 3,
        Instant.ofEpochSecond(1_795_836_276L, 764_506_980L)), e);
  }

  @Test
  void infraContainersAndOtherActionsAreDropped() {
    var infra = new LibpodJson.Event("container", "died",
        new LibpodJson.Actor("i1", Map.of("name", POD.substring(0, 12) + "-infra", "podId", POD)), 1);
    assertTrue(RuntimeEventSubscription.runtimeEvent(infra).isEmpty());
    var cleanup = new LibpodJson.Event("container", "cleanup", new LibpodJson.Actor("c1", Map.of()), 1);
    assertTrue(RuntimeEventSubscription.runtimeEvent(cleanup).isEmpty());
    var image = new LibpodJson.Event("image", "pull", new LibpodJson.Actor("x", Map.of()), 1);
    assertTrue(RuntimeEventSubscription.runtimeEvent(image).isEmpty());
  }
}
