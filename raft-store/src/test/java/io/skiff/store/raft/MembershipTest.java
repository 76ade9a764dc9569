package io.skiff.store.raft;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.skiff.proto.etcd.PutRequest;
import io.skiff.proto.etcd.RangeRequest;
import io.skiff.store.ErrorCode;
import io.skiff.store.PeerSpec;
import io.skiff.store.StoreException;
import io.skiff.store.mvcc.KeyRange;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Members added and removed through Ratis' configuration change, on real peers, while writes go on. */
class MembershipTest {
  private static final Duration WAIT = Duration.ofSeconds(60);

  @Test
  void aFourthMemberCatchesUpBySnapshotAndTheLeaderCanBeRemovedWhileWritesGoOn() throws Exception {
    try (MiniCluster cluster = MiniCluster.start(3,
        c -> c.toBuilder().snapshotThreshold(40).logSegmentBytes(8 * 1024).build())) {
      int leader = cluster.awaitLeader();
      for (int i = 0; i < 300; i++) {
        // one at a time, so each put is its own entry and the log outgrows the snapshot threshold
        cluster.store(leader).put(put(String.format("a%04d", i), "v".repeat(100) + i)).get();
      }
      var log = cluster.peer(leader).division().getRaftLog();
      await().atMost(WAIT).until(() -> log.getStartIndex() > 1);

      // a writer through the follower that stays a member throughout
      int writerPeer = cluster.aFollower();
      Writer writer = new Writer(cluster, writerPeer);
      writer.start();
      await().atMost(WAIT).until(() -> writer.acknowledged() >= 20);

      int joiner = cluster.startJoiner("p3", "127.0.0.1:23790");
      assertEquals(List.of(), cluster.peer(joiner).members(), "a joining peer knows no members before it is added");
      List<PeerSpec> members = cluster.peer(writerPeer).addMember(cluster.spec(joiner)).get(60, TimeUnit.SECONDS);
      assertEquals(List.of("p0", "p1", "p2", "p3"), members.stream().map(PeerSpec::id).toList());

      // the new member was caught up by an installed snapshot (its log starts after it) and serves
      // linearizable reads
      assertTrue(cluster.peer(joiner).division().getRaftLog().getStartIndex() > 1, "an installed snapshot");
      cluster.store(writerPeer).put(put("after-add", "yes")).get();
      assertEquals("yes", cluster.store(joiner).range(RangeRequest.newBuilder()
          .setKey(ByteString.copyFromUtf8("after-add")).build()).get(30, TimeUnit.SECONDS).getKvs(0).getValue().toStringUtf8());
      // every member learns every member's addresses from the configuration
      for (int i = 0; i < cluster.size(); i++) {
        int peer = i;
        await().atMost(WAIT).until(() -> cluster.peer(peer).members().size() == 4);
        assertEquals(cluster.spec(joiner), cluster.peer(peer).members().get(3), "as member " + i + " sees it");
      }

      // remove the leader, through another member
      int oldLeader = cluster.awaitLeader();
      String removed = cluster.id(oldLeader);
      int asker = oldLeader == writerPeer ? joiner : writerPeer;
      List<PeerSpec> left = cluster.peer(asker).removeMember(removed).get(60, TimeUnit.SECONDS);
      assertFalse(left.stream().anyMatch(p -> p.id().equals(removed)), left.toString());
      assertEquals(3, left.size());
      cluster.stop(oldLeader);
      int newLeader = cluster.awaitLeader();
      assertTrue(newLeader != oldLeader);
      int before = writer.acknowledged();
      await().atMost(WAIT).until(() -> writer.acknowledged() > before + 20);
      writer.stop();
      assertEquals(0, writer.failures(), "every write was acknowledged across both changes: " + writer.lastError);

      // the remaining members agree on every key and the revision, the new one included
      long revision = cluster.peer(newLeader).status().revision();
      for (int i = 0; i < cluster.size(); i++) {
        if (cluster.isRunning(i)) {
          int peer = i;
          await().atMost(WAIT).until(() -> cluster.peer(peer).status().revision() == revision);
          assertEquals(300 + writer.acknowledged() + 1, count(cluster, peer, ""), "keys on member " + i);
          assertEquals(left, cluster.peer(peer).members());
        }
      }

      // a joined member restarts on what it stored, membership included
      cluster.restart(joiner);
      assertEquals(left, cluster.peer(joiner).members());
      // a peer that knows no leader yet refuses writes ("no leader"), as etcd's does: wait until it hears one
      await().atMost(WAIT).until(() -> cluster.peer(joiner).status().leaderMemberId() != 0);
      cluster.store(joiner).put(put("after-restart", "x")).get(30, TimeUnit.SECONDS);
      await().atMost(WAIT).until(() -> cluster.peer(joiner).status().revision() == revision + 1);
    }
  }

  @Test
  void theLeaderRemovesItselfAndTheOthersGoOn() throws Exception {
    try (MiniCluster cluster = MiniCluster.start(3)) {
      int leader = cluster.awaitLeader();
      cluster.store(leader).put(put("before", "1")).get();
      List<PeerSpec> left = cluster.peer(leader).removeMember(cluster.id(leader)).get(60, TimeUnit.SECONDS);
      assertEquals(2, left.size());
      cluster.stop(leader);
      int next = cluster.awaitLeader();
      long revision = cluster.store(next).put(put("after", "2")).get(30, TimeUnit.SECONDS).getHeader().getRevision();
      for (int i = 0; i < cluster.size(); i++) {
        if (cluster.isRunning(i)) {
          int peer = i;
          await().atMost(WAIT).until(() -> cluster.peer(peer).status().revision() == revision);
          assertEquals(left, cluster.peer(i).members());
        }
      }
    }
  }

  @Test
  void badChangesAreRefusedWithAClearError() throws Exception {
    try (MiniCluster cluster = MiniCluster.start(2)) {
      cluster.awaitLeader();
      StorePeer peer = cluster.peer(0);
      PeerSpec existing = cluster.spec(1);

      assertRefused(ErrorCode.ALREADY_EXISTS, "member p1 already exists",
          peer.addMember(new PeerSpec("p1", "127.0.0.1:1", "")));
      assertRefused(ErrorCode.ALREADY_EXISTS, "is already member p1's",
          peer.addMember(new PeerSpec("p9", existing.raftAddress(), "")));
      assertRefused(ErrorCode.FAILED_PRECONDITION, "start the new member with --join first",
          peer.addMember(new PeerSpec("p9", "127.0.0.1:" + unusedPort(), "")));
      int joiner = cluster.startJoiner("p2", "");
      assertRefused(ErrorCode.FAILED_PRECONDITION, "is 'p2', not 'p7'",
          peer.addMember(new PeerSpec("p7", cluster.spec(joiner).raftAddress(), "")));
      assertRefused(ErrorCode.NOT_FOUND, "no member p8 (members: p0, p1)", peer.removeMember("p8"));
      assertEquals(List.of("p0", "p1"), peer.members().stream().map(PeerSpec::id).toList(), "nothing changed");

      peer.removeMember("p1").get(60, TimeUnit.SECONDS);
      cluster.stop(1);
      int last = cluster.awaitLeader();
      assertRefused(ErrorCode.FAILED_PRECONDITION, "is the last member", cluster.peer(last).removeMember("p0"));
      cluster.store(last).put(put("still", "writable")).get(30, TimeUnit.SECONDS);
    }
  }

  private static void assertRefused(ErrorCode code, String message, CompletableFuture<?> change) {
    ExecutionException e = assertThrows(ExecutionException.class, () -> change.get(60, TimeUnit.SECONDS));
    StoreException refused = assertInstanceOf(StoreException.class, e.getCause());
    assertEquals(code, refused.code(), refused.getMessage());
    assertTrue(refused.getMessage().contains(message), refused.getMessage());
  }

  /** Puts one key after another through one peer, counting acknowledgements and failures. */
  private static final class Writer {
    private final MiniCluster cluster;
    private final int peer;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicInteger acknowledged = new AtomicInteger();
    private final AtomicInteger failures = new AtomicInteger();
    private volatile Throwable lastError;
    private final Thread thread;

    Writer(MiniCluster cluster, int peer) {
      this.cluster = cluster;
      this.peer = peer;
      this.thread = new Thread(this::run, "writer");
    }

    void start() {
      thread.start();
    }

    private void run() {
      while (running.get()) {
        try {
          cluster.store(peer).put(put(String.format("w%06d", acknowledged.get()), "x")).get(30, TimeUnit.SECONDS);
          acknowledged.incrementAndGet();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        } catch (Exception e) {
          lastError = e;
          failures.incrementAndGet();
          System.err.println("write failed: " + e);
        }
      }
    }

    int acknowledged() {
      return acknowledged.get();
    }

    int failures() {
      return failures.get();
    }

    void stop() throws InterruptedException {
      running.set(false);
      thread.join(TimeUnit.SECONDS.toMillis(60));
    }
  }

  private static long count(MiniCluster cluster, int peer, String prefix) throws Exception {
    ByteString p = ByteString.copyFromUtf8(prefix.isEmpty() ? "\0" : prefix);
    ByteString end = prefix.isEmpty() ? ByteString.copyFrom(new byte[] {0}) : KeyRange.prefixEnd(p);
    return cluster.store(peer).range(RangeRequest.newBuilder().setKey(p).setRangeEnd(end).setCountOnly(true)
        .setSerializable(true).build()).get().getCount();
  }

  static PutRequest put(String key, String value) {
    return PutRequest.newBuilder().setKey(ByteString.copyFromUtf8(key)).setValue(ByteString.copyFromUtf8(value)).build();
  }

  static long snapshotFiles(StorePeer peer) throws Exception {
    Path dir = peer.config().dataDir().resolve("raft");
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(p -> p.getFileName().toString().startsWith("snapshot.")
          && !p.getFileName().toString().endsWith(".md5")).count();
    }
  }

  private static int unusedPort() throws Exception {
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
