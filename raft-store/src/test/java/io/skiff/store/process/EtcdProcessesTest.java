package io.skiff.store.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Checks the process harness itself (kill, stop, restart, leader lookup, cleanup) on real etcd. */
@Tag("reference")
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class EtcdProcessesTest {

  @Test
  void membersSurviveLeaderKillAndRestartOnTheirOwnData() throws IOException {
    Path dataDir;
    try (StoreCluster cluster = new EtcdProcesses()) {
      cluster.start();
      dataDir = cluster.dataDir(0);
      new Etcdctl(cluster.clientEndpoints()).run("put", "k", "v1").assertSuccess();

      int oldLeader = cluster.leaderIndex();
      cluster.kill(oldLeader);
      assertFalse(cluster.isRunning(oldLeader));
      int newLeader = cluster.leaderIndex();
      assertNotEquals(oldLeader, newLeader);
      at(cluster, newLeader).run("put", "k", "v2").assertSuccess();

      cluster.restart(oldLeader);
      assertEquals(List.of("v2"), valueAt(cluster, oldLeader), "the killed member catches up");

      int follower = 3 - oldLeader - newLeader;
      cluster.stop(follower);
      assertFalse(cluster.isRunning(follower));
      cluster.restart(follower);
      assertEquals(List.of("v2"), valueAt(cluster, follower), "the stopped member keeps its data");

      String log = Files.readString(cluster.logFile(oldLeader));
      assertEquals(2, log.split(" starting " + cluster.memberName(oldLeader) + ": ", -1).length - 1,
          "one log file, a launch marker per run");
    }
    assertFalse(Files.exists(dataDir), "close deletes the data");
  }

  private static Etcdctl at(StoreCluster cluster, int index) {
    return new Etcdctl(List.of(cluster.clientEndpoint(index)));
  }

  /** A linearizable read served by that member alone. */
  private static List<String> valueAt(StoreCluster cluster, int index) {
    return at(cluster, index).run("get", "k", "--print-value-only").assertSuccess().lines();
  }
}
