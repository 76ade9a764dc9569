package io.skiff.controlplane.api;

import static io.skiff.controlplane.testing.PodWrites.awaitThrough;
import static io.skiff.controlplane.testing.PodWrites.createNamespace;
import static io.skiff.controlplane.testing.PodWrites.from;
import static io.skiff.controlplane.testing.PodWrites.watch;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.skiff.api.v1.ListRequest;
import io.skiff.api.v1.Pod;
import io.skiff.api.v1.PodWatchEvent;
import io.skiff.api.v1.PodsGrpc;
import io.skiff.controlplane.testing.MasterCluster;
import io.skiff.controlplane.testing.PodWrites;
import io.skiff.controlplane.testing.PodWrites.Change;
import io.skiff.controlplane.testing.WatchRecorder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three real masters with the default watch cache: many watchers at once each
 * see every change once and in order, and clients that stop reading cost the
 * others nothing.
 */
class ManyWatchersTest {
  @TempDir
  static Path dataDir;
  static MasterCluster cluster;

  @BeforeAll
  static void start() throws Exception {
    cluster = MasterCluster.start(3, dataDir);
  }

  @AfterAll
  static void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void twoHundredWatchersOnThreeMastersEachSeeEveryChangeOnceInOrder() throws Exception {
    String ns = "many-watchers";
    createNamespace(cluster.channel(0), ns);
    long listed = PodsGrpc.newBlockingStub(cluster.channel(0))
        .list(ListRequest.newBuilder().setNamespace(ns).build()).getMetadata().getResourceVersion();
    List<WatchRecorder<PodWatchEvent>> watchers = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      watchers.add(watch(cluster.channel(i % 3), from(ns, listed)));
    }

    // two writers per master, at once: 300 creates, 96 updates, 30 deletes
    PodWrites writes = new PodWrites();
    ExecutorService writers = Executors.newFixedThreadPool(6);
    try {
      List<CompletableFuture<Void>> done = new ArrayList<>();
      for (int w = 0; w < 6; w++) {
        int writer = w;
        done.add(CompletableFuture.runAsync(() -> {
          var channel = cluster.channel(writer % 3);
          for (int i = 0; i < 50; i++) {
            writes.create(channel, ns, "w" + writer + "-" + i, Map.of("writer", "" + writer));
            if (i % 3 == 2) {
              writes.relabel(channel, ns, "w" + writer + "-" + (i - 1), Map.of("writer", "" + writer, "v", "2"));
            }
            if (i % 10 == 9) {
              writes.delete(channel, ns, "w" + writer + "-" + (i - 9));
            }
          }
        }, writers));
      }
      CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get(2, TimeUnit.MINUTES);
    } finally {
      writers.shutdownNow();
    }
    writes.create(cluster.channel(0), ns, "fence", Map.of());
    List<Change> expected = writes.expected();
    assertEquals(300 + 96 + 30 + 1, expected.size());
    for (int i = 0; i < watchers.size(); i++) {
      assertEquals(expected, awaitThrough(watchers.get(i), "fence"), "watcher " + i + " on master " + (i % 3));
    }
    watchers.forEach(WatchRecorder::cancel);
  }

  /**
   * Clients that ask for no events (more of them than the master has delivery
   * threads) while writers send 2.4 MB of pods: their streams fill (a
   * client's flow-control window is 1 MB) and their watchers wait as cursors;
   * a reading client on the same master sees every event meanwhile. Each
   * client has its own connection, as separate clients do (streams that share
   * one also share its flow-control window).
   */
  @Test
  void clientsThatStopReadingDoNotHoldTheOthersBack() throws Exception {
    String ns = "slow-clients";
    createNamespace(cluster.channel(0), ns);
    long listed = PodsGrpc.newBlockingStub(cluster.channel(0))
        .list(ListRequest.newBuilder().setNamespace(ns).build()).getMetadata().getResourceVersion();
    List<ManagedChannel> slowChannels = new ArrayList<>();
    List<WatchRecorder<PodWatchEvent>> slow = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        ManagedChannel own = NettyChannelBuilder.forAddress("127.0.0.1", cluster.apiPort(0)).usePlaintext().build();
        slowChannels.add(own);
        slow.add(watch(own, from(ns, listed), WatchRecorder.paused()));
      }
      WatchRecorder<PodWatchEvent> reading = watch(cluster.channel(0), from(ns, listed));

      PodWrites writes = new PodWrites();
      String ballast = "x".repeat(24 * 1024);
      ExecutorService writers = Executors.newFixedThreadPool(3);
      try {
        List<CompletableFuture<Void>> done = new ArrayList<>();
        for (int w = 0; w < 3; w++) {
          int writer = w;
          done.add(CompletableFuture.runAsync(() -> {
            for (int i = 0; i < 34; i++) {
              Pod pod = PodWrites.pod(ns, "w" + writer + "-" + i, Map.of());
              writes.create(cluster.channel(writer), pod.toBuilder()
                  .setMetadata(pod.getMetadata().toBuilder().putAnnotations("ballast", ballast)).build());
            }
          }, writers));
        }
        CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get(2, TimeUnit.MINUTES);
      } finally {
        writers.shutdownNow();
      }
      writes.create(cluster.channel(0), ns, "fence", Map.of());

      List<Change> expected = writes.expected();
      assertEquals(expected, awaitThrough(reading, "fence"));
      for (WatchRecorder<PodWatchEvent> client : slow) {
        assertEquals(0, client.count(), "it asked for nothing");
        assertFalse(client.ended(), "a slow client's watch is not ended while the cache still holds its place");
      }

      // once they read, they get everything, in order, from where they were
      for (WatchRecorder<PodWatchEvent> client : slow) {
        client.request(Integer.MAX_VALUE);
      }
      for (WatchRecorder<PodWatchEvent> client : slow) {
        assertEquals(expected, awaitThrough(client, "fence"));
        client.cancel();
      }
      reading.cancel();
    } finally {
      for (ManagedChannel own : slowChannels) {
        own.shutdownNow();
      }
    }
  }
}
