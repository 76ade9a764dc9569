package io.skiff.controlplane.client;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.skiff.api.v1.Container;
import io.skiff.api.v1.ObjectMeta;
import io.skiff.api.v1.Pod;
import io.skiff.api.v1.PodSpec;
import io.skiff.api.v1.WatchRequest;
import io.skiff.client.Endpoints;
import io.skiff.client.MasterChannels;
import io.skiff.client.ResourceClient;
import io.skiff.client.ResourceTypes;
import io.skiff.client.ResumingWatch;
import io.skiff.client.WatchListener;
import io.skiff.controlplane.testing.MasterCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client over three masters while each in turn is stopped and restarted:
 * every write is acknowledged (the channel moves to another master and retries),
 * and a resuming watch hears every write exactly once, in order.
 */
class ClientFailoverTest {
  @TempDir
  Path dataDir;

  @Test
  void writesAndAWatchSurviveEachMasterGoingAway() throws Exception {
    try (MasterCluster cluster = MasterCluster.start(3, dataDir)) {
      String endpoints = String.join(",", List.of(0, 1, 2).stream().map(i -> "127.0.0.1:" + cluster.apiPort(i)).toList());
      ManagedChannel channel = MasterChannels.openInsecure(Endpoints.parse(endpoints));
      ResourceClient<Pod> pods = new ResourceClient<>(channel, ResourceTypes.PODS, 30_000);
      List<String> heard = new CopyOnWriteArrayList<>();
      AtomicReference<Status> ended = new AtomicReference<>();
      ResumingWatch<Pod> watch = new ResumingWatch<>(pods, WatchRequest.newBuilder().setNamespace("default").build(),
          new WatchListener<>() {
            @Override
            public void onEvent(String type, Pod pod) {
              if (type.equals("ADDED")) {
                heard.add(pod.getMetadata().getName());
              }
            }

            @Override
            public void onEnd(Status status) {
              ended.set(status);
            }
          });
      List<String> written = new ArrayList<>();
      try {
        int n = 0;
        for (int master = 0; master < cluster.size(); master++) {
          for (int i = 0; i < 5; i++) {
            written.add(create(pods, "pod-" + n++));
          }
          cluster.stop(master);
          for (int i = 0; i < 5; i++) {
            written.add(create(pods, "pod-" + n++));
          }
          cluster.restart(master);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> heard.size() >= written.size());
        assertEquals(written, heard, "every write heard once, in order");
        assertTrue(ended.get() == null, "the watch is still going: " + ended.get());
      } finally {
        watch.close();
        channel.shutdownNow();
      }
    }
  }

  private static String create(ResourceClient<Pod> pods, String name) {
    pods.create(Pod.newBuilder()
        .setMetadata(ObjectMeta.newBuilder().setName(name))
        .setSpec(PodSpec.newBuilder().addContainers(Container.newBuilder().setName("c").setImage("busybox:1")))
        .build());
    return name;
  }
}
