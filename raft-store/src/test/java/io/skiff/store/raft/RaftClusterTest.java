package io.skiff.store.raft;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.skiff.proto.etcd.LeaseGrantRequest;
import io.skiff.proto.etcd.LeaseTimeToLiveRequest;
import io.skiff.proto.etcd.PutRequest;
import io.skiff.proto.etcd.RangeRequest;
import io.skiff.proto.etcd.RangeResponse;
import io.skiff.proto.etcd.WatchCreateRequest;
import io.skiff.proto.mvcc.Event;
import io.skiff.store.Store;
import io.skiff.store.mvcc.KeyRange;
import io.skiff.store.mvcc.WatchSink;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Real Ratis peers in one JVM: replication, failover, snapshots, leases across leader changes. */
class RaftClusterTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @Test
  void writesReplicateToEveryPeerAndSurviveLeaderLoss() throws Exception {
    try (MiniCluster cluster = MiniCluster.start(3)) {
      int leader = cluster.awaitLeader();
      int follower = cluster.aFollower();
      for (int i = 0; i < 50; i++) {
        // writes through a follower are forwarded to the leader
        cluster.store(follower).put(put("k" + i, "v" + i)).get();
      }
      for (int p = 0; p < cluster.size(); p++) {
        int peer = p;
        await().atMost(WAIT).until(() -> countLocal(cluster.store(peer), "k") == 50);
      }

      cluster.stop(leader);
      int newLeader = cluster.awaitLeader();
      assertTrue(newLeader != leader);
      cluster.store(newLeader).put(put("after", "failover")).get();
      cluster.restart(leader);
      await().atMost(WAIT).until(() -> countLocal(cluster.store(leader), "") == 51);
      assertEquals("failover", valueLinearizable(cluster.store(leader), "after"));
    }
  }

  @Test
  void laggingPeerCatchesUpFromASnapshotAfterTheLogWasPurged() throws Exception {
    try (MiniCluster cluster = MiniCluster.start(3, c -> c.toBuilder().snapshotThreshold(40).logSegmentBytes(16 * 1024).build())) {
      int leader = cluster.awaitLeader();
      int lagging = cluster.aFollower();
      cluster.stop(lagging);

      for (int i = 0; i < 400; i++) {
        // one at a time, so each put is its own log entry and the log outgrows the snapshot threshold
        cluster.store(leader).put(put(String.format("s%04d", i), "v" + i)).get();
      }
      long leaderRevision = cluster.peer(leader).status().revision();

      var log = cluster.peer(leader).division().getRaftLog();
      await().atMost(WAIT).until(() -> log.getStartIndex() > 1);

      cluster.restart(lagging);
      await().atMost(WAIT).until(() -> cluster.peer(lagging).status().revision() == leaderRevision);
      assertEquals(400, countLocal(cluster.store(lagging), "s"));
      assertTrue(snapshotFiles(cluster.peer(lagging)) > 0, "the lagging peer holds an installed snapshot");
      // history came with the snapshot: a historic read at an old revision works on the restored peer
      RangeResponse old = cluster.store(lagging).range(RangeRequest.newBuilder()
          .setKey(ByteString.copyFromUtf8("s")).setRangeEnd(KeyRange.prefixEnd(ByteString.copyFromUtf8("s")))
          .setRevision(leaderRevision - 100).setCountOnly(true).setSerializable(true).build()).get();
      assertEquals(300, old.getCount());
    }
  }

  @Test
  void leaseKeepsItsRemainingTimeAcrossALeaderChangeAndThenExpires() throws Exception {
    try (MiniCluster cluster = MiniCluster.start(3)) {
      int leader = cluster.awaitLeader();
      Store store = cluster.store(leader);
      long id = store.leaseGrant(LeaseGrantRequest.newBuilder().setTTL(6).build()).get().getID();
      store.put(put("leased", "x").toBuilder().setLease(id).build()).get();
      long granted = System.nanoTime();

      cluster.stop(leader);
      int next = cluster.awaitLeader();
      long remaining = cluster.store(next).leaseTimeToLive(LeaseTimeToLiveRequest.newBuilder().setID(id).build())
          .get().getTTL();
      long elapsedSeconds = Duration.ofNanos(System.nanoTime() - granted).toSeconds();
      assertTrue(remaining <= 6 - elapsedSeconds && remaining >= 0,
          "remaining TTL " + remaining + " after " + elapsedSeconds + "s must not be reset by the new leader");

      // the new leader expires it: the key goes away, and not before the deadline
      await().atMost(WAIT).until(() -> countLocal(cluster.store(next), "leased") == 0);
      assertTrue(System.nanoTime() - granted >= Duration.ofSeconds(5).toNanos(), "expired too early");
      assertEquals(-1, cluster.store(next).leaseTimeToLive(LeaseTimeToLiveRequest.newBuilder().setID(id).build())
          .get().getTTL());
    }
  }

  @Test
  void aWatchOnAFollowerSeesWritesMadeThroughTheLeaderInOrder() throws Exception {
    try (MiniCluster cluster = MiniCluster.start(3)) {
      int leader = cluster.awaitLeader();
      int follower = cluster.aFollower();
      List<Event> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
      cluster.store(follower).watch(WatchCreateRequest.newBuilder()
          .setKey(ByteString.copyFromUtf8("w/")).setRangeEnd(KeyRange.prefixEnd(ByteString.copyFromUtf8("w/")))
          .build(), new WatchSink() {
            @Override
            public boolean send(List<Event> events, long revision) {
              seen.addAll(events);
              return true;
            }

            @Override
            public boolean ready() {
              return true;
            }

            @Override
            public void compacted(long compactRevision) {
            }

            @Override
            public void progress(long revision) {
            }
          });
      for (int i = 0; i < 30; i++) {
        cluster.store(leader).put(put("w/" + i, "v")).get();
      }
      await().atMost(WAIT).until(() -> seen.size() == 30);
      for (int i = 0; i < 30; i++) {
        assertEquals("w/" + i, seen.get(i).getKv().getKey().toStringUtf8());
        if (i > 0) {
          assertTrue(seen.get(i).getKv().getModRevision() > seen.get(i - 1).getKv().getModRevision());
        }
      }
    }
  }

  @Test
  void aFullClusterRestartKeepsEveryWrite() throws Exception {
    try (MiniCluster cluster = MiniCluster.start(3, c -> c.toBuilder().snapshotThreshold(25).logSegmentBytes(16 * 1024).build())) {
      int leader = cluster.awaitLeader();
      for (int i = 0; i < 60; i++) {
        cluster.store(leader).put(put("r" + i, "v" + i)).get();
      }
      for (int i = 0; i < cluster.size(); i++) {
        cluster.stop(i);
      }
      for (int i = 0; i < cluster.size(); i++) {
        cluster.restart(i);
      }
      int again = cluster.awaitLeader();
      assertEquals(60, countLinearizable(cluster.store(again), "r"));
      assertEquals("v59", valueLinearizable(cluster.store(again), "r59"));
      assertFalse(cluster.store(again).put(put("r60", "v")).get().getHeader().getRevision() <= 61,
          "revisions continue after the restart");
    }
  }

  private static PutRequest put(String key, String value) {
    return PutRequest.newBuilder().setKey(ByteString.copyFromUtf8(key)).setValue(ByteString.copyFromUtf8(value)).build();
  }

  private static RangeRequest prefix(String prefix) {
    ByteString p = ByteString.copyFromUtf8(prefix.isEmpty() ? "\0" : prefix);
    ByteString end = prefix.isEmpty() ? ByteString.copyFrom(new byte[] {0}) : KeyRange.prefixEnd(p);
    return RangeRequest.newBuilder().setKey(p).setRangeEnd(end).setCountOnly(true).build();
  }

  private static long countLocal(Store store, String prefix) throws Exception {
    return store.range(prefix(prefix).toBuilder().setSerializable(true).build()).get().getCount();
  }

  private static long countLinearizable(Store store, String prefix) throws Exception {
    return store.range(prefix(prefix)).get().getCount();
  }

  private static String valueLinearizable(Store store, String key) throws Exception {
    return store.range(RangeRequest.newBuilder().setKey(ByteString.copyFromUtf8(key)).build()).get()
        .getKvs(0).getValue().toStringUtf8();
  }

  private static long snapshotFiles(StorePeer peer) throws Exception {
    Path dir = peer.config().dataDir().resolve("raft");
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(p -> p.getFileName().toString().startsWith("snapshot.")
          && !p.getFileName().toString().endsWith(".md5")).count();
    }
  }
}
