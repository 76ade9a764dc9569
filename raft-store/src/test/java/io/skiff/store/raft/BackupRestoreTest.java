package io.skiff.store.raft;

import static io.skiff.store.raft.MembershipTest.put;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.skiff.proto.etcd.CompactionRequest;
import io.skiff.proto.etcd.DeleteRangeRequest;
import io.skiff.proto.etcd.LeaseGrantRequest;
import io.skiff.proto.etcd.LeaseTimeToLiveRequest;
import io.skiff.proto.etcd.LeaseTimeToLiveResponse;
import io.skiff.proto.etcd.RangeRequest;
import io.skiff.proto.etcd.RangeResponse;
import io.skiff.store.BackupFile;
import io.skiff.store.PeerSpec;
import io.skiff.store.Store;
import io.skiff.store.StoreConfig;
import io.skiff.store.mvcc.SnapshotBackup;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A backup of a running cluster restores a new cluster with the same keys, history, revision and leases. */
class BackupRestoreTest {
  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir
  Path dir;

  @Test
  void aNewClusterRestoredFromABackupHoldsTheSameStateAndGrowsByJoining() throws Exception {
    Path backup = dir.resolve("backup.snap");
    RangeResponse before;
    long leaseId;
    try (MiniCluster source = MiniCluster.start(3)) {
      Store store = source.store(source.awaitLeader());
      for (int i = 0; i < 30; i++) {
        store.put(put("k" + (i % 10), "v" + i)).get(); // three versions of each key
      }
      store.compact(CompactionRequest.newBuilder().setRevision(5).build()).get();
      store.deleteRange(DeleteRangeRequest.newBuilder().setKey(ByteString.copyFromUtf8("k9")).build()).get();
      leaseId = store.leaseGrant(LeaseGrantRequest.newBuilder().setTTL(600).build()).get().getID();
      store.put(put("leased/a", "1").toBuilder().setLease(leaseId).build()).get();
      store.put(put("leased/b", "2").toBuilder().setLease(leaseId).build()).get();
      before = everything(store);

      // taken through a follower: the ReadIndex round makes it hold every acknowledged write
      BackupFile saved = source.peer(source.aFollower()).saveSnapshot().get(30, TimeUnit.SECONDS);
      assertEquals(before.getHeader().getRevision(), saved.revision());
      Files.move(saved.file(), backup);
      assertEquals(saved.sizeBytes(), Files.size(backup));
    }
    SnapshotBackup.Contents contents = SnapshotBackup.verify(backup);
    assertEquals(before.getHeader().getRevision(), contents.revision());
    assertEquals(5, contents.compactRevision());
    assertEquals(1, contents.leases());

    try (MiniCluster restored = MiniCluster.start(3, c -> c.toBuilder().restoreSnapshot(backup).build())) {
      int leader = restored.awaitLeader();
      for (int i = 0; i < restored.size(); i++) {
        assertEquals(before.getKvsList(), everything(restored.store(i)).getKvsList(), "keys on member " + i);
        assertEquals(before.getHeader().getRevision(), restored.peer(i).status().revision());
      }
      LeaseTimeToLiveResponse lease = restored.store(leader).leaseTimeToLive(LeaseTimeToLiveRequest.newBuilder()
          .setID(leaseId).setKeys(true).build()).get();
      assertEquals(600, lease.getGrantedTTL());
      assertTrue(lease.getTTL() > 500, "remaining TTL " + lease.getTTL());
      assertEquals(List.of("leased/a", "leased/b"), lease.getKeysList().stream().map(ByteString::toStringUtf8).sorted().toList());
      // history came along: an old revision reads as it did, one below the compaction is refused
      assertEquals("v10", restored.store(leader).range(RangeRequest.newBuilder().setKey(ByteString.copyFromUtf8("k0"))
          .setRevision(12).build()).get().getKvs(0).getValue().toStringUtf8());
      long next = restored.store(leader).put(put("after", "restore")).get().getHeader().getRevision();
      assertEquals(before.getHeader().getRevision() + 1, next, "revisions go on from the backup's");

      // a member added before any snapshot of the new cluster still gets the restored state
      int joiner = restored.startJoiner("p3", "");
      restored.peer(leader).addMember(restored.spec(joiner)).get(60, TimeUnit.SECONDS);
      await().atMost(WAIT).until(() -> restored.peer(joiner).status().revision() == next);
      RangeResponse joined = everything(restored.store(joiner));
      assertEquals(before.getKvsCount() + 1, joined.getKvsCount());
      assertTrue(joined.getKvsList().containsAll(before.getKvsList()));

      // a restored member restarts on its data (the flag is not given again)
      int follower = restored.aFollower();
      restored.restart(follower);
      await().atMost(WAIT).until(() -> restored.peer(follower).status().revision() == next);
    }
  }

  @Test
  void aCorruptOrTruncatedBackupIsRefusedBeforeAnythingIsWritten() throws Exception {
    Path backup = dir.resolve("backup.snap");
    try (MiniCluster source = MiniCluster.start(1)) {
      Store store = source.store(0);
      for (int i = 0; i < 50; i++) {
        store.put(put("k" + i, "value " + i)).get();
      }
      Files.move(source.peer(0).saveSnapshot().get(30, TimeUnit.SECONDS).file(), backup);
    }
    byte[] bytes = Files.readAllBytes(backup);

    byte[] flipped = bytes.clone();
    flipped[bytes.length / 2] ^= 0x40;
    assertRefused(write("flipped.snap", flipped), "is corrupt or truncated");
    assertRefused(write("truncated.snap", Arrays.copyOf(bytes, bytes.length / 2)), "is corrupt or truncated");
    assertRefused(write("tiny.snap", new byte[] {1, 2, 3}), "is truncated: 3 bytes");
    assertRefused(dir.resolve("missing.snap"), "no such file");

    // a data dir that already holds a store is left alone
    Path used = dir.resolve("used");
    StorePeer first = peer(used, backup);
    first.start();
    first.close();
    IOException e = assertThrows(IOException.class, () -> start(peer(used, backup)));
    assertTrue(e.getMessage().contains("needs an empty data dir"), e.getMessage());
  }

  private void assertRefused(Path backup, String message) throws IOException {
    Path data = dir.resolve("data-" + backup.getFileName());
    IOException e = assertThrows(IOException.class, () -> start(peer(data, backup)));
    assertTrue(e.getMessage().contains(message), e.getMessage());
    try (var files = Files.walk(data.resolve("raft"))) {
      assertFalse(files.anyMatch(p -> !p.equals(data.resolve("raft"))), "nothing written for " + backup);
    }
  }

  private static void start(StorePeer peer) throws IOException {
    try {
      peer.start();
    } finally {
      peer.close();
    }
  }

  private static StorePeer peer(Path data, Path backup) throws IOException {
    List<PeerSpec> peers = List.of(new PeerSpec("r0", "127.0.0.1:" + freePort(), ""));
    return new StorePeer(StoreConfig.defaults("r0", peers, data).toBuilder().restoreSnapshot(backup).build());
  }

  private Path write(String name, byte[] bytes) throws IOException {
    return Files.write(dir.resolve(name), bytes);
  }

  private static RangeResponse everything(Store store) throws Exception {
    return store.range(RangeRequest.newBuilder().setKey(ByteString.copyFrom(new byte[] {0}))
        .setRangeEnd(ByteString.copyFrom(new byte[] {0})).build()).get(30, TimeUnit.SECONDS);
  }

  private static int freePort() throws IOException {
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
