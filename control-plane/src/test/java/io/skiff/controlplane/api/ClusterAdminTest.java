package io.skiff.controlplane.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.StatusRuntimeException;
import io.skiff.api.v1.AddMemberRequest;
import io.skiff.api.v1.ClusterGrpc;
import io.skiff.api.v1.GetRequest;
import io.skiff.api.v1.Member;
import io.skiff.api.v1.MembersRequest;
import io.skiff.api.v1.MembersResponse;
import io.skiff.api.v1.Namespace;
import io.skiff.api.v1.NamespacesGrpc;
import io.skiff.api.v1.ObjectMeta;
import io.skiff.api.v1.RemoveMemberRequest;
import io.skiff.api.v1.SnapshotChunk;
import io.skiff.api.v1.SnapshotRequest;
import io.skiff.controlplane.testing.Eventually;
import io.skiff.controlplane.testing.MasterCluster;
import io.skiff.proto.etcd.MaintenanceGrpc;
import io.skiff.proto.etcd.StatusRequest;
import io.skiff.store.PeerSpec;
import io.skiff.store.mvcc.SnapshotBackup;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** skiff.api.v1.Cluster's AddMember, RemoveMember and Snapshot on real masters. */
class ClusterAdminTest {
  @TempDir
  Path dataDir;

  @Test
  void aFourthMasterJoinsServesAndTheLeaderIsRemoved() throws Exception {
    try (MasterCluster cluster = MasterCluster.start(3, dataDir)) {
      NamespacesGrpc.newBlockingStub(cluster.channel(0)).create(namespace("before"));
      Map.Entry<Integer, CompletableFuture<Void>> joining = cluster.startJoining("m4");
      int m4 = joining.getKey();
      PeerSpec spec = cluster.peerSpec(m4);
      awaitStoreServing(spec);

      MembersResponse added = stub(cluster, 1).addMember(AddMemberRequest.newBuilder().setId("m4")
          .setRaftAddress(spec.raftAddress()).setStoreAddress(spec.clientAddress()).build());
      assertEquals(List.of("m1", "m2", "m3", "m4"), ids(added));
      joining.getValue().get(2, TimeUnit.MINUTES);
      // the new master serves the API with what was written before it joined, and takes writes
      assertEquals("before", NamespacesGrpc.newBlockingStub(cluster.channel(m4))
          .get(GetRequest.newBuilder().setName("before").build()).getMetadata().getName());
      NamespacesGrpc.newBlockingStub(cluster.channel(m4)).create(namespace("through-m4"));
      for (int i = 0; i < cluster.size(); i++) {
        int master = i;
        Eventually.await(() -> ids(stub(cluster, master).members(MembersRequest.getDefaultInstance())).size() == 4,
            "master " + i + " lists four members");
        Member listed = stub(cluster, i).members(MembersRequest.getDefaultInstance()).getMembers(3);
        assertEquals(spec.clientAddress(), listed.getStoreAddress(), "m4's store address as master " + i + " knows it");
      }

      String leader = stub(cluster, m4).members(MembersRequest.getDefaultInstance()).getLeader();
      int leaderIndex = Integer.parseInt(leader.substring(1)) - 1;
      MembersResponse left = stub(cluster, m4).removeMember(RemoveMemberRequest.newBuilder().setId(leader).build());
      assertEquals(3, left.getMembersCount());
      assertTrue(ids(left).stream().noneMatch(leader::equals), ids(left).toString());
      cluster.stop(leaderIndex);
      int other = leaderIndex == 0 ? 1 : 0;
      Eventually.await(() -> !stub(cluster, other).members(MembersRequest.getDefaultInstance()).getLeader().isEmpty(),
          "a new leader");
      NamespacesGrpc.newBlockingStub(cluster.channel(other)).create(namespace("after-removal"));

      assertCode(Status.Code.ALREADY_EXISTS, "member m4 already exists", () -> stub(cluster, other).addMember(
          AddMemberRequest.newBuilder().setId("m4").setRaftAddress("127.0.0.1:1").setStoreAddress("127.0.0.1:2").build()));
      assertCode(Status.Code.INVALID_ARGUMENT, "store_address", () -> stub(cluster, other).addMember(
          AddMemberRequest.newBuilder().setId("m9").setRaftAddress("127.0.0.1:1").build()));
      assertCode(Status.Code.INVALID_ARGUMENT, "is not host:port", () -> stub(cluster, other).addMember(
          AddMemberRequest.newBuilder().setId("m9").setRaftAddress("nowhere").setStoreAddress("127.0.0.1:2").build()));
      assertCode(Status.Code.FAILED_PRECONDITION, "--join", () -> stub(cluster, other).addMember(
          AddMemberRequest.newBuilder().setId("m9").setRaftAddress("127.0.0.1:1").setStoreAddress("127.0.0.1:2").build()));
      assertCode(Status.Code.NOT_FOUND, "no member m9", () -> stub(cluster, other).removeMember(
          RemoveMemberRequest.newBuilder().setId("m9").build()));
    }
  }

  @Test
  void aSnapshotStreamsAVerifiableBackupAtTheCurrentRevision() throws Exception {
    try (MasterCluster cluster = MasterCluster.start(1, dataDir)) {
      Namespace created = NamespacesGrpc.newBlockingStub(cluster.channel(0)).create(namespace("kept"));
      Iterator<SnapshotChunk> chunks = stub(cluster, 0).snapshot(SnapshotRequest.getDefaultInstance());
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      SnapshotChunk first = chunks.next();
      first.getData().writeTo(bytes);
      chunks.forEachRemaining(c -> bytes.writeBytes(c.getData().toByteArray()));
      assertEquals(first.getTotalBytes(), bytes.size());
      assertTrue(first.getRevision() >= created.getMetadata().getResourceVersion());

      Path file = Files.write(dataDir.resolve("backup.snap"), bytes.toByteArray());
      assertEquals(first.getRevision(), SnapshotBackup.verify(file).revision());
      try (var left = Files.list(cluster.master(0).peer().config().dataDir())) {
        assertTrue(left.noneMatch(p -> p.getFileName().toString().startsWith("backup-")), "the temporary file is gone");
      }
    }
  }

  /** A joining master serves its store endpoint (and Raft) while it waits to be added. */
  private static void awaitStoreServing(PeerSpec spec) {
    ManagedChannel channel = NettyChannelBuilder.forTarget(spec.clientAddress()).usePlaintext().build();
    try {
      Eventually.await(() -> {
        try {
          MaintenanceGrpc.newBlockingStub(channel).withDeadlineAfter(1, TimeUnit.SECONDS)
              .status(StatusRequest.getDefaultInstance());
          return true;
        } catch (StatusRuntimeException e) {
          return false;
        }
      }, "the joining master's store endpoint");
    } finally {
      channel.shutdownNow();
    }
  }

  private static Namespace namespace(String name) {
    return Namespace.newBuilder().setMetadata(ObjectMeta.newBuilder().setName(name)).build();
  }

  private static ClusterGrpc.ClusterBlockingStub stub(MasterCluster cluster, int master) {
    return ClusterGrpc.newBlockingStub(cluster.channel(master)).withDeadlineAfter(2, TimeUnit.MINUTES);
  }

  private static List<String> ids(MembersResponse members) {
    return members.getMembersList().stream().map(Member::getId).toList();
  }

  private static void assertCode(Status.Code code, String message, Runnable call) {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call::run);
    assertEquals(code, e.getStatus().getCode(), e.getStatus().toString());
    assertTrue(e.getStatus().getDescription().contains(message), e.getStatus().toString());
  }
}
