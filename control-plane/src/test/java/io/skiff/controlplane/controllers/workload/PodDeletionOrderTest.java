package io.skiff.controlplane.controllers.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.util.Timestamps;
import io.skiff.api.v1.Condition;
import io.skiff.api.v1.ContainerStatus;
import io.skiff.api.v1.ObjectMeta;
import io.skiff.api.v1.Pod;
import io.skiff.api.v1.PodSpec;
import io.skiff.api.v1.PodStatus;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PodDeletionOrderTest {
  @Test
  void theCheapestPodsGoFirst() {
    List<Pod> expected = List.of(
        pod("unscheduled", "", "Pending", null, 0, 100),
        pod("pending", "n1", "Pending", null, 0, 100),
        pod("unknown", "n1", "Unknown", null, 0, 100),
        pod("running-not-ready", "n1", "Running", null, 0, 100),
        pod("ready-recently", "n1", "Running", 50L, 0, 10),
        pod("ready-long-restarting", "n1", "Running", 20L, 3, 10),
        pod("ready-long-newer", "n1", "Running", 20L, 0, 11),
        pod("ready-long-older", "n1", "Running", 20L, 0, 10));
    List<Pod> shuffled = new ArrayList<>(expected);
    Collections.shuffle(shuffled, new Random(7));
    shuffled.sort(PodDeletionOrder.INSTANCE);
    assertEquals(names(expected), names(shuffled));
  }

  /** @param readySince seconds, or null for not ready */
  private static Pod pod(String name, String node, String phase, Long readySince, int restarts, long created) {
    PodStatus.Builder status = PodStatus.newBuilder().setPhase(phase)
        .addContainerStatuses(ContainerStatus.newBuilder().setName("main").setRestartCount(restarts));
    if (readySince != null) {
      status.addConditions(Condition.newBuilder().setType("Ready").setStatus("True")
          .setLastTransitionTime(Timestamps.fromSeconds(readySince)));
    }
    return Pod.newBuilder()
        .setMetadata(ObjectMeta.newBuilder().setName(name).setCreationTimestamp(Timestamps.fromSeconds(created)))
        .setSpec(PodSpec.newBuilder().setNodeName(node))
        .setStatus(status)
        .build();
  }

  private static List<String> names(List<Pod> pods) {
    return pods.stream().map(p -> p.getMetadata().getName()).toList();
  }
}
