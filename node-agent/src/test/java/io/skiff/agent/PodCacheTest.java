package io.skiff.agent;

import static io.skiff.agent.PodTesting.container;
import static io.skiff.agent.PodTesting.pod;
import static io.skiff.agent.PodTesting.unique;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skiff.agent.node.NodeIdentity;
import io.skiff.agent.pods.PodCache;
import io.skiff.agent.threads.DedicatedThreads;
import io.skiff.api.v1.DeleteRequest;
import io.skiff.api.v1.Pod;
import io.skiff.client.ResourceClient;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The agent's pod cache against a real master: only its node's pods, found by uid and by name, changes told by uid. */
@ExtendWith(SharedMasters.class)
class PodCacheTest {
  private final ResourceClient<Pod> pods = PodTesting.pods(SharedMasters.cluster().channel(0));
  private final List<String> changed = new CopyOnWriteArrayList<>();
  private final AtomicInteger lists = new AtomicInteger();
  private String node;
  private MasterApi api;
  private PodCache cache;

  @BeforeEach
  void startCache() {
    node = TestAgent.uniqueNode();
    AgentConfig config = TestAgent.config(SharedMasters.cluster(), node);
    api = new MasterApi(config);
    cache = new PodCache(api, new NodeIdentity(config), new DedicatedThreads());
  }

  @AfterEach
  void stopCache() throws Exception {
    cache.close();
    api.close();
  }

  @Test
  void itHoldsThisNodesPodsByUidAndTellsEachChangeByUid() {
    Pod mine = pods.create(pod(unique("mine"), node, "Always", container("app", "app:1")).build());
    pods.create(pod(unique("theirs"), "another-" + node, "Always", container("app", "app:1")).build());
    assertFalse(cache.hasSynced());

    cache.start(changed::add, lists::incrementAndGet);

    await().atMost(PodTesting.PATIENCE).until(() -> lists.get() == 1);
    assertTrue(cache.hasSynced());
    String uid = mine.getMetadata().getUid();
    assertEquals(List.of(uid), changed, "the List told of this node's pod only");
    assertEquals(mine, cache.get(uid).orElseThrow());
    assertEquals(mine, cache.find("default", mine.getMetadata().getName()).orElseThrow());
    assertEquals(List.of(mine), List.copyOf(cache.pods()));

    Pod second = pods.create(pod(unique("second"), node, "Always", container("app", "app:1")).build());
    String secondUid = second.getMetadata().getUid();
    await().atMost(PodTesting.PATIENCE).until(() -> cache.get(secondUid).isPresent());
    pods.delete(DeleteRequest.newBuilder().setNamespace("default").setName(mine.getMetadata().getName())
        .setGracePeriodSeconds(0).build());
    await().atMost(PodTesting.PATIENCE).until(() -> cache.get(uid).isEmpty());
    assertEquals(List.of(uid, secondUid, uid), changed);
    assertEquals(1, lists.get(), "the watch went on without another List");
  }
}
