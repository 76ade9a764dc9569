package io.skiff.controlplane.controllers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static io.skiff.controlplane.testing.Eventually.await;

import io.skiff.api.v1.Lease;
import io.skiff.client.ResourceClient;
import io.skiff.client.ResourceTypes;
import io.skiff.controlplane.master.Master;
import io.skiff.controlplane.testing.MasterCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Three masters campaign; one runs the controllers; when it stops another takes over. */
class ControllerManagerTest {
  @TempDir
  Path dataDir;

  @Test
  void exactlyOneMasterRunsTheControllersAndAnotherTakesOverWhenItStops() throws Exception {
    try (MasterCluster cluster = MasterCluster.start(3, dataDir, MasterCluster.controllers(Duration.ofSeconds(3),
        Duration.ofSeconds(40), Duration.ofMinutes(5)))) {
      await(() -> leaders(cluster).size() == 1 && !running(cluster, leaders(cluster).get(0)).isEmpty(),
          "one master leads and runs its controllers");
      int first = leaders(cluster).get(0);
      Thread.sleep(2_000);
      assertEquals(List.of(first), leaders(cluster), "leadership is stable while the leader lives");
      for (int i = 0; i < 3; i++) {
        if (i != first) {
          assertTrue(running(cluster, i).isEmpty(), "master " + i + " runs no controllers");
        }
      }

      cluster.stop(first);
      long stoppedAt = System.nanoTime();
      await(() -> leaders(cluster).size() == 1 && !running(cluster, leaders(cluster).get(0)).isEmpty(),
          "another master takes over");
      long takeoverMillis = (System.nanoTime() - stoppedAt) / 1_000_000;
      int second = leaders(cluster).get(0);
      assertFalse(second == first);
      assertTrue(takeoverMillis < 5_000, "takeover took " + takeoverMillis + " ms");
      Lease lease = new ResourceClient<>(cluster.channel(second), ResourceTypes.LEASES, 5_000)
          .get("skiff-system", "skiff-controller-manager");
      assertEquals(cluster.master(second).controllers().identity(), lease.getSpec().getHolderIdentity());
    }
  }

  private static List<Integer> leaders(MasterCluster cluster) {
    List<Integer> leading = new ArrayList<>();
    for (int i = 0; i < cluster.size(); i++) {
      Master master = cluster.master(i);
      if (master != null && master.controllers() != null && master.controllers().leading()) {
        leading.add(i);
      }
    }
    return leading;
  }

  private static List<Controller> running(MasterCluster cluster, int index) {
    Master master = cluster.master(index);
    return master == null ? List.of() : master.controllers().running();
  }
}
