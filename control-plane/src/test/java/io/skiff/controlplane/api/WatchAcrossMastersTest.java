package io.skiff.controlplane.api;

import static io.skiff.controlplane.testing.PodWrites.awaitThrough;
import static io.skiff.controlplane.testing.PodWrites.createNamespace;
import static io.skiff.controlplane.testing.PodWrites.from;
import static io.skiff.controlplane.testing.PodWrites.watch;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Channel;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.skiff.api.v1.GetRequest;
import io.skiff.api.v1.ListRequest;
import io.skiff.api.v1.Pod;
import io.skiff.api.v1.PodWatchEvent;
import io.skiff.api.v1.PodsGrpc;
import io.skiff.controlplane.kinds.Kinds;
import io.skiff.controlplane.registry.ApiException;
import io.skiff.controlplane.registry.ObjectFilter;
import io.skiff.controlplane.testing.MasterCluster;
import io.skiff.controlplane.testing.PodWrites;
import io.skiff.controlplane.testing.PodWrites.Change;
import io.skiff.controlplane.testing.WatchRecorder;
import io.skiff.controlplane.watch.WatchCache;
import io.skiff.controlplane.watch.WatchOutput;
import io.skiff.store.PeerStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three real masters: resource versions are the one Raft log's revisions, so a
 * client resumes a watch on any master, or on a restarted one (whose cache
 * reads the recent history back from the store), and misses nothing. A master
 * that stops ends its watches with a last bookmark.
 */
class WatchAcrossMastersTest {
  @TempDir
  static Path dataDir;
  static MasterCluster cluster;

  @BeforeAll
  static void start() throws Exception {
    cluster = MasterCluster.start(3, dataDir, MasterCluster.watchCache(10_000, Duration.ofMillis(200)));
  }

  @AfterAll
  static void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void aWatchResumedOnAnotherMasterFromTheLastEventSeenMissesAndRepeatsNothing() {
    String ns = "resume-elsewhere";
    createNamespace(channel(0), ns);
    long listed = listedAt(channel(0), ns);
    WatchRecorder<PodWatchEvent> first = watch(channel(0), from(ns, listed));

    PodWrites writes = new PodWrites();
    writeRound(writes, ns, 0, 0, 1, 2);
    first.awaitCount(10);
    first.cancel();
    List<Change> seenFirst = first.events(Change::of);
    long resumeFrom = seenFirst.get(seenFirst.size() - 1).resourceVersion();

    writeRound(writes, ns, 1, 0, 1, 2);
    WatchRecorder<PodWatchEvent> second = watch(channel(1), from(ns, resumeFrom));
    writeRound(writes, ns, 2, 0, 1, 2);
    writes.create(channel(1), ns, "fence", Map.of());

    List<Change> union = new ArrayList<>(seenFirst);
    union.addAll(awaitThrough(second, "fence"));
    assertEquals(writes.expected(), union);
    PodWatchTest.assertStrictlyIncreasing(union);
    second.cancel();
  }

  @Test
  void aWatchResumedOnTheRestartedMasterItWatchedMissesAndRepeatsNothing() throws Exception {
    String ns = "resume-restarted";
    createNamespace(channel(0), ns);
    long listed = listedAt(channel(1), ns);
    WatchRecorder<PodWatchEvent> before = watch(channel(1), from(ns, listed));

    // writes go through the other masters: see aRestartedMasterReadsEveryWriteAcknowledgedBeforeTheRead
    PodWrites writes = new PodWrites();
    writeRound(writes, ns, 0, 0, 2);
    before.awaitCount(10);
    stopMaster(1);
    before.awaitEnd();  // the master went: the stream ends
    List<Change> seenBefore = before.events(Change::of);
    long resumeFrom = seenBefore.get(seenBefore.size() - 1).resourceVersion();

    writeRound(writes, ns, 1, 0, 2);  // while it is down
    restart(1);
    WatchRecorder<PodWatchEvent> after = watch(channel(1), from(ns, resumeFrom));
    writeRound(writes, ns, 2, 2, 0);
    writes.create(channel(0), ns, "fence", Map.of());

    List<Change> union = new ArrayList<>(seenBefore);
    union.addAll(awaitThrough(after, "fence"));
    assertEquals(writes.expected(), union);
    PodWatchTest.assertStrictlyIncreasing(union);
    after.cancel();
  }

  @Test
  void aStoppingMasterEndsABookmarkWatchWithAFinalBookmark() throws Exception {
    String ns = "final-bookmark";
    createNamespace(channel(0), ns);
    long listed = listedAt(channel(2), ns);
    WatchRecorder<PodWatchEvent> bookmarks = watch(channel(2), from(ns, listed).toBuilder()
        .setAllowBookmarks(true).build());
    WatchRecorder<PodWatchEvent> plain = watch(channel(2), from(ns, listed));
    PodWrites writes = new PodWrites();
    long written = writes.create(channel(0), ns, "a", Map.of()).getMetadata().getResourceVersion();
    awaitThrough(bookmarks, "a");
    awaitThrough(plain, "a");
    // the last write the master saw: nothing in this namespace after it
    long other = writes.create(channel(0), "default", "elsewhere", Map.of()).getMetadata().getResourceVersion();

    try {
      stopMaster(2);
      Status ended = bookmarks.awaitEnd();
      assertEquals(Status.Code.OK, ended.getCode(), ended.toString());
      PodWatchEvent last = bookmarks.last();
      assertEquals("BOOKMARK", last.getType(), bookmarks.events(Change::of).toString());
      assertTrue(last.getObject().getMetadata().getResourceVersion() >= written, last.toString());
      assertTrue(last.getObject().getMetadata().getResourceVersion() <= other, last.toString());

      assertEquals(Status.Code.OK, plain.awaitEnd().getCode());
      assertEquals(List.of(new Change("ADDED", ns, "a", written)), plain.events(Change::of),
          "no bookmark for a watch that did not ask for them");
    } finally {
      restart(2);
    }
  }

  /**
   * A client that has stopped reading when its master stops: the watch cannot
   * take a last bookmark (it would come after events the client has not taken),
   * but it still ends, so a client that reads again within the server's grace
   * period gets what was sent and then a normal end, and resumes elsewhere from
   * its last event.
   */
  @Test
  void aStoppingMasterEndsTheWatchOfAClientThatHadStoppedReading() throws Exception {
    String ns = "stop-while-slow";
    createNamespace(channel(0), ns);
    long listed = listedAt(channel(2), ns);
    ManagedChannel own = NettyChannelBuilder.forAddress("127.0.0.1", cluster.apiPort(2)).usePlaintext().build();
    try {
      WatchRecorder<PodWatchEvent> slow = watch(own, from(ns, listed).toBuilder().setAllowBookmarks(true).build(),
          WatchRecorder.paused());
      PodWrites writes = new PodWrites();
      String ballast = "x".repeat(64 * 1024);  // 40 of them fill the client's 1 MB window twice over
      for (int i = 0; i < 40; i++) {
        Pod pod = PodWrites.pod(ns, "p" + i, Map.of());
        writes.create(channel(i % 2), pod.toBuilder()
            .setMetadata(pod.getMetadata().toBuilder().putAnnotations("ballast", ballast)).build());
      }
      WatchCache<Pod> cache = cluster.master(2).resources().cache(Kinds.PODS);
      CompletableFuture<Void> stopping = CompletableFuture.runAsync(() -> {
        try {
          stopMaster(2);
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      try {
        // the master has ended its watches; its server waits (a while) for the streams to drain
        await().atMost(WatchRecorder.PATIENCE).until(() -> closed(cache));
        slow.request(Integer.MAX_VALUE);
        Status ended = slow.awaitEnd();
        assertEquals(Status.Code.OK, ended.getCode(), ended.toString());
        stopping.get(30, TimeUnit.SECONDS);

        List<Change> received = slow.events(Change::of).stream().filter(c -> !c.isBookmark()).toList();
        assertEquals(writes.expected().subList(0, received.size()), received, "a gapless prefix");
        long resumeFrom = received.isEmpty() ? listed : received.get(received.size() - 1).resourceVersion();
        WatchRecorder<PodWatchEvent> resumed = watch(channel(1), from(ns, resumeFrom));
        List<Change> union = new ArrayList<>(received);
        union.addAll(awaitThrough(resumed, "p39"));
        assertEquals(writes.expected(), union);
        resumed.cancel();
      } finally {
        stopping.handle((ok, error) -> null).get(30, TimeUnit.SECONDS);
        restart(2);
      }
    } finally {
      own.shutdownNow();
    }
  }

  /** True once the cache refuses new watches: it has been closed. */
  private static boolean closed(WatchCache<Pod> cache) {
    try {
      cache.watch(ObjectFilter.everything(Kinds.PODS), 0, false, false, new WatchOutput<>() {
        @Override
        public boolean isReady() {
          return false;
        }

        @Override
        public void send(String type, Pod object) {
        }

        @Override
        public void fail(ApiException error) {
        }

        @Override
        public void close() {
        }
      }).cancel();
      return false;
    } catch (ApiException e) {
      return e.code() == Status.Code.UNAVAILABLE;
    }
  }

  /**
   * For a few seconds after a restart a master knows no Raft leader; its
   * linearizable reads wait for one (they are never answered from its own
   * state before it has caught up), so a Get misses no acknowledged write.
   */
  @Test
  void aRestartedMasterReadsEveryWriteAcknowledgedBeforeTheRead() throws Exception {
    String ns = "read-after-restart";
    createNamespace(channel(0), ns);
    PodWrites writes = new PodWrites();
    stopMaster(1);
    writes.create(channel(0), ns, "while-down", Map.of());
    cluster.restart(1);
    cluster.channel(1).resetConnectBackoff();
    try {
      for (int i = 0; i < 5; i++) {
        String name = "after-" + i;
        writes.create(channel(2), ns, name, Map.of());
        Pod read = PodsGrpc.newBlockingStub(channel(1)).withWaitForReady()
            .get(GetRequest.newBuilder().setNamespace(ns).setName(name).build());
        assertEquals(writes.current(ns, name), read);
      }
    } finally {
      settle(1);
    }
  }

  // ---- helpers ----

  private static Channel channel(int master) {
    return cluster.channel(master);
  }

  /**
   * Stops a master and waits until the others have a leader (it may have been
   * the leader): a write sent during the election fails UNAVAILABLE at once.
   */
  private static void stopMaster(int master) throws Exception {
    cluster.stop(master);
    await().atMost(WatchRecorder.PATIENCE).until(() -> {
      for (int i = 0; i < cluster.size(); i++) {
        if (cluster.master(i) != null && cluster.master(i).peer().isLeaderReady()) {
          return true;
        }
      }
      return false;
    });
  }

  /**
   * Restarts a master and waits until it knows the Raft leader and has applied
   * every write made before, so later tests may read and write through it
   * (see {@link #aRestartedMasterReadsEveryWriteAcknowledgedBeforeTheRead}).
   */
  private static void restart(int master) throws Exception {
    cluster.restart(master);
    cluster.channel(master).resetConnectBackoff();
    settle(master);
  }

  private static void settle(int master) {
    int healthy = master == 0 ? 1 : 0;
    long revision = listedAt(channel(healthy), "default");
    await().atMost(WatchRecorder.PATIENCE).until(() -> {
      PeerStatus status = cluster.master(master).peer().status();
      return status.leaderMemberId() != 0 && status.revision() >= revision;
    });
  }

  private static long listedAt(Channel channel, String ns) {
    return PodsGrpc.newBlockingStub(channel).withWaitForReady()
        .list(ListRequest.newBuilder().setNamespace(ns).build()).getMetadata().getResourceVersion();
  }

  /** 12 writes through the given masters in turn: creates, updates, deletes. */
  private static void writeRound(PodWrites writes, String ns, int round, int... masters) {
    int n = 0;
    for (int i = 0; i < 6; i++) {
      writes.create(channel(masters[n++ % masters.length]), ns, "r" + round + "-" + i, Map.of("round", "" + round));
    }
    for (int i = 0; i < 6; i += 2) {
      writes.relabel(channel(masters[n++ % masters.length]), ns, "r" + round + "-" + i,
          Map.of("round", "" + round, "updated", "yes"));
    }
    for (int i = 1; i < 6; i += 2) {
      writes.delete(channel(masters[n++ % masters.length]), ns, "r" + round + "-" + i);
    }
  }
}
