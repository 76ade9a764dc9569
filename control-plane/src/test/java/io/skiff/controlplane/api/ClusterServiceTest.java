package io.skiff.controlplane.api;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skiff.api.v1.ClusterGrpc;
import io.skiff.api.v1.Member;
import io.skiff.api.v1.MembersRequest;
import io.skiff.api.v1.MembersResponse;
import io.skiff.api.v1.VersionRequest;
import io.skiff.controlplane.testing.MasterCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** skiff.api.v1.Cluster: every master agrees on the members and the leader; a stopped one shows unreachable. */
class ClusterServiceTest {
  @TempDir
  Path dataDir;

  @Test
  void everyMasterReportsTheSameLeaderAndAStoppedOneAsUnreachable() throws Exception {
    try (MasterCluster cluster = MasterCluster.start(3, dataDir)) {
      await().atMost(Duration.ofSeconds(20)).until(() -> members(cluster, 0).getMembersList().stream()
          .allMatch(Member::getHealthy));
      String leader = members(cluster, 0).getLeader();
      for (int i = 0; i < 3; i++) {
        MembersResponse members = members(cluster, i);
        assertEquals("m" + (i + 1), members.getAnsweredBy());
        assertEquals(leader, members.getLeader(), "leader as master " + i + " sees it");
        assertEquals(List.of("m1", "m2", "m3"), members.getMembersList().stream().map(Member::getId).toList());
        assertEquals(1, members.getMembersList().stream().filter(m -> m.getRole().equals("leader")).count());
        assertTrue(members.getMembersList().stream().allMatch(m -> m.getRevision() > 1), members.toString());
      }
      int stopped = leader.equals("m3") ? 0 : 2;
      cluster.stop(stopped);
      int asked = stopped == 0 ? 1 : 0;
      Member down = members(cluster, asked).getMembers(stopped);
      assertEquals("unreachable", down.getRole());
      assertFalse(down.getHealthy());
      assertFalse(down.getError().isEmpty());
      assertFalse(ClusterGrpc.newBlockingStub(cluster.channel(asked)).version(VersionRequest.getDefaultInstance())
          .getVersion().isEmpty());
    }
  }

  private static MembersResponse members(MasterCluster cluster, int master) {
    return ClusterGrpc.newBlockingStub(cluster.channel(master)).members(MembersRequest.getDefaultInstance());
  }
}
