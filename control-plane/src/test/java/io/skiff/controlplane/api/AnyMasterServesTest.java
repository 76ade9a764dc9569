package io.skiff.controlplane.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.skiff.api.v1.Container;
import io.skiff.api.v1.GetRequest;
import io.skiff.api.v1.ObjectMeta;
import io.skiff.api.v1.Pod;
import io.skiff.api.v1.PodSpec;
import io.skiff.api.v1.PodsGrpc;
import io.skiff.controlplane.testing.MasterCluster;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Three masters: a write through any one is read, linearizably, through every other. */
class AnyMasterServesTest {
  @TempDir
  static Path dataDir;
  static MasterCluster cluster;

  @BeforeAll
  static void start() throws Exception {
    cluster = MasterCluster.start(3, dataDir);
  }

  @AfterAll
  static void stop() throws Exception {
    cluster.close();
  }

  @Test
  void aPodCreatedThroughOneMasterIsReadThroughEach() {
    for (int writer = 0; writer < cluster.size(); writer++) {
      String name = "web-" + writer;
      Pod created = PodsGrpc.newBlockingStub(cluster.channel(writer)).create(Pod.newBuilder()
          .setMetadata(ObjectMeta.newBuilder().setName(name))
          .setSpec(PodSpec.newBuilder().addContainers(Container.newBuilder().setName("web").setImage("busybox:1")))
          .build());
      for (int reader = 0; reader < cluster.size(); reader++) {
        Pod read = PodsGrpc.newBlockingStub(cluster.channel(reader))
            .get(GetRequest.newBuilder().setNamespace("default").setName(name).build());
        assertEquals(created, read, "read through master " + reader);
      }
    }
  }
}
