package io.skiff.controlplane.process;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.skiff.api.v1.AddMemberRequest;
import io.skiff.api.v1.ClusterGrpc;
import io.skiff.api.v1.ListRequest;
import io.skiff.api.v1.Member;
import io.skiff.api.v1.MembersRequest;
import io.skiff.api.v1.MembersResponse;
import io.skiff.api.v1.Namespace;
import io.skiff.api.v1.NamespacesGrpc;
import io.skiff.api.v1.ObjectMeta;
import io.skiff.api.v1.RemoveMemberRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Real master processes: a fourth started with {@code --join} is added past the store's snapshot
 * threshold (so it is caught up by InstallSnapshot), serves every object, and the leader is removed.
 */
@Tag("process")
class MembershipProcessTest {
  private static final int OBJECTS = 150;
  /** Snapshots every 50 entries in 16 KiB log segments: the leader's log is purged before m4 joins. */
  private static final List<String> FLAGS = List.of("--controllers", "false", "--snapshot-threshold", "50",
      "--log-segment-bytes", "16384");

  @Test
  void aJoiningMasterProcessIsAddedCaughtUpAndTheLeaderRemoved() throws Exception {
    List<MasterProcess> masters = new ArrayList<>(MasterProcess.startCluster("membership", 3,
        MasterProcess.TEST_JVM_OPTIONS, FLAGS));
    List<ManagedChannel> channels = new ArrayList<>();
    try {
      masters.forEach(m -> channels.add(m.channel()));
      for (int i = 0; i < OBJECTS; i++) {
        NamespacesGrpc.newBlockingStub(channels.get(i % 3)).create(namespace("ns-" + i));
      }
      MasterProcess.Joining joining = MasterProcess.startJoining("membership", "m4", FLAGS, masters.get(0));
      MasterProcess joiner = joining.master();
      masters.add(joiner);
      channels.add(joiner.channel());
      AddMemberRequest add = AddMemberRequest.newBuilder().setId("m4")
          .setRaftAddress(joining.raftAddress()).setStoreAddress(joiner.storeEndpoint()).build();
      // its Raft peer comes up a moment after the process starts
      MembersResponse added = await().atMost(Duration.ofMinutes(2)).ignoreExceptions()
          .until(() -> cluster(channels.get(0)).addMember(add), r -> r.getMembersCount() == 4);
      assertEquals("m4", added.getMembers(3).getId());
      joiner.awaitServing();
      assertEquals(OBJECTS + 2, NamespacesGrpc.newBlockingStub(channels.get(3)).withDeadlineAfter(30, TimeUnit.SECONDS)
          .list(ListRequest.getDefaultInstance()).getItemsCount(), "ns-* and the two built-in namespaces");
      assertTrue(logHas(joiner, "loaded snapshot"), "m4 was caught up by an installed snapshot\n" + joiner.logTail());

      String leader = cluster(channels.get(3)).members(MembersRequest.getDefaultInstance()).getLeader();
      MembersResponse left = cluster(channels.get(3)).removeMember(RemoveMemberRequest.newBuilder().setId(leader).build());
      assertEquals(3, left.getMembersCount());
      int leaderIndex = Integer.parseInt(leader.substring(1)) - 1;
      masters.get(leaderIndex).close();
      await().atMost(Duration.ofMinutes(1)).ignoreExceptions().until(() ->
          NamespacesGrpc.newBlockingStub(channels.get(3)).withDeadlineAfter(10, TimeUnit.SECONDS)
              .create(namespace("after-removal")) != null);
      MembersResponse members = cluster(channels.get(3)).members(MembersRequest.getDefaultInstance());
      assertTrue(members.getMembersList().stream().allMatch(Member::getHealthy), members.toString());
    } finally {
      channels.forEach(ManagedChannel::shutdownNow);
      masters.forEach(MasterProcess::close);
    }
  }

  private static boolean logHas(MasterProcess master, String text) throws Exception {
    return java.nio.file.Files.readString(master.log()).contains(text);
  }

  private static ClusterGrpc.ClusterBlockingStub cluster(ManagedChannel channel) {
    return ClusterGrpc.newBlockingStub(channel).withDeadlineAfter(2, TimeUnit.MINUTES);
  }


  private static Namespace namespace(String name) {
    return Namespace.newBuilder().setMetadata(ObjectMeta.newBuilder().setName(name)).build();
  }
}
