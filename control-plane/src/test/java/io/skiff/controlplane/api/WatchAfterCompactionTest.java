package io.skiff.controlplane.api;

import static io.skiff.controlplane.testing.PodWrites.awaitThrough;
import static io.skiff.controlplane.testing.PodWrites.createNamespace;
import static io.skiff.controlplane.testing.PodWrites.from;
import static io.skiff.controlplane.testing.PodWrites.watch;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.ByteString;
import io.skiff.api.v1.ListRequest;
import io.skiff.api.v1.PodWatchEvent;
import io.skiff.api.v1.PodsGrpc;
import io.skiff.controlplane.master.MasterConfig;
import io.skiff.controlplane.testing.MasterCluster;
import io.skiff.controlplane.testing.PodWrites;
import io.skiff.controlplane.testing.PodWrites.Change;
import io.skiff.controlplane.testing.WatchRecorder;
import io.skiff.proto.etcd.RangeRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One master that compacts its store's history every 200 ms. A watch cache
 * that starts after a compaction reads back only the history that is left, and
 * serves watches.
 */
class WatchAfterCompactionTest {
  @TempDir
  static Path dataDir;
  static MasterCluster cluster;

  @BeforeAll
  static void start() throws Exception {
    cluster = MasterCluster.start(1, dataDir, c -> c.withStorage(c.maxObjectBytes(), c.watchCache(),
        Duration.ofMillis(200)));
  }

  @AfterAll
  static void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void aMasterRestartedAfterACompactionServesWatches() throws Exception {
    String ns = "compacted";
    createNamespace(cluster.channel(0), ns);
    PodWrites writes = new PodWrites();
    long first = writes.create(cluster.channel(0), ns, "a", Map.of()).getMetadata().getResourceVersion();
    writes.create(cluster.channel(0), ns, "b", Map.of());
    await().atMost(WatchRecorder.PATIENCE).until(() -> compactedPast(first));

    cluster.restart(0);
    cluster.channel(0).resetConnectBackoff();
    long listed = PodsGrpc.newBlockingStub(cluster.channel(0)).withWaitForReady()
        .list(ListRequest.newBuilder().setNamespace(ns).build()).getMetadata().getResourceVersion();
    WatchRecorder<PodWatchEvent> watch = watch(cluster.channel(0), from(ns, listed));
    long created = writes.create(cluster.channel(0), ns, "c", Map.of()).getMetadata().getResourceVersion();
    assertEquals(List.of(new Change("ADDED", ns, "c", created)), awaitThrough(watch, "c"));
    watch.cancel();
  }

  /** True once the store no longer answers a read at {@code revision}. */
  private static boolean compactedPast(long revision) {
    try {
      cluster.master(0).peer().store().range(RangeRequest.newBuilder().setKey(ByteString.copyFromUtf8("/"))
          .setCountOnly(true).setRevision(revision).build()).join();
      return false;
    } catch (RuntimeException e) {
      return true;
    }
  }
}
