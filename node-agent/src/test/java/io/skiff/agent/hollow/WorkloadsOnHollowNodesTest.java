package io.skiff.agent.hollow;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.skiff.agent.AgentConfig;
import io.skiff.agent.PodTesting;
import io.skiff.agent.TestAgent;
import io.skiff.agent.runtime.RuntimeLabels;
import io.skiff.api.v1.Condition;
import io.skiff.api.v1.Container;
import io.skiff.api.v1.DeleteRequest;
import io.skiff.api.v1.Deployment;
import io.skiff.api.v1.DeploymentSpec;
import io.skiff.api.v1.DeploymentStrategy;
import io.skiff.api.v1.LabelSelector;
import io.skiff.api.v1.ListRequest;
import io.skiff.api.v1.ObjectMeta;
import io.skiff.api.v1.Pod;
import io.skiff.api.v1.PodSpec;
import io.skiff.api.v1.PodTemplateSpec;
import io.skiff.api.v1.ReplicaSet;
import io.skiff.api.v1.ResourceRequirements;
import io.skiff.api.v1.RollingUpdateDeployment;
import io.skiff.api.v1.WatchRequest;
import io.skiff.client.Credentials;
import io.skiff.client.ResourceClient;
import io.skiff.client.ResourceTypes;
import io.skiff.client.ResumingWatch;
import io.skiff.client.WatchListener;
import io.skiff.controlplane.testing.MasterCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole control loop on simulated nodes: a real master running the
 * scheduler and controllers, and four hollow nodes (the agent's real loop over
 * an in-memory engine). Deployments become available, roll, roll back, move off
 * a node that stops heartbeating, and go with everything they own.
 */
class WorkloadsOnHollowNodesTest {
  private static final Duration PATIENCE = Workloads.PATIENCE;
  private static final Duration NODE_GRACE = Duration.ofSeconds(3);
  private static final Duration EVICTION = Duration.ofSeconds(2);
  private static final AtomicInteger SEQUENCE = new AtomicInteger();

  @TempDir
  static Path dataDir;
  static MasterCluster cluster;
  static HollowNodes hollow;
  static Workloads workloads;
  static ResourceClient<Pod> pods;

  @BeforeAll
  static void start() throws Exception {
    cluster = MasterCluster.start(1, dataDir, MasterCluster.controllers(Duration.ofSeconds(3), NODE_GRACE, EVICTION));
    AgentConfig template = TestAgent.config(cluster, "unused")
        .withIntervals(Duration.ofMillis(500), Duration.ofSeconds(5), Duration.ofSeconds(5));
    hollow = new HollowNodes(template, 0, Credentials.insecure());
    hollow.start("worker", 4, 2, 4L << 30);
    workloads = new Workloads(cluster.channel(0));
    pods = workloads.pods;
  }

  @AfterAll
  static void stop() throws Exception {
    hollow.close();
    cluster.close();
  }

  @Test
  void aDeploymentOfFiveBecomesAvailableSpreadOverTheNodes() {
    String app = unique("web");
    workloads.deployments.create(Workloads.deployment(app, 5, "web:1", 0));
    Deployment available = workloads.awaitDeployment(app, d -> d.getStatus().getAvailableReplicas() == 5
        && Workloads.condition(d, "Available", "True"));
    assertEquals(5, available.getStatus().getReplicas());
    assertEquals(5, available.getStatus().getUpdatedReplicas());
    List<Pod> running = workloads.podsOf(app);
    assertEquals(5, running.size());
    Map<String, Long> perNode = running.stream().collect(Collectors.groupingBy(p -> p.getSpec().getNodeName(),
        Collectors.counting()));
    assertTrue(perNode.values().stream().allMatch(n -> n <= 2), "spread over the nodes: " + perNode);
    assertTrue(running.stream().allMatch(p -> PodTesting.phase(p, "Running")));
  }

  @Test
  void aRollingUpdateReplacesEveryPodWithoutDroppingBelowTheMinimumAndRollsBack() throws Exception {
    String app = unique("roll");
    int replicas = 6;
    workloads.deployments.create(Workloads.deployment(app, replicas, "app:1", 0));
    workloads.awaitDeployment(app, d -> d.getStatus().getAvailableReplicas() == replicas);

    try (ReadyCounter counter = new ReadyCounter(app)) {
      workloads.setImage(app, "app:2");
      workloads.awaitDeployment(app, d -> Workloads.rolledOut(d, replicas));
      await().atMost(PATIENCE).until(() -> workloads.images(app).equals(Set.of("app:2")) && workloads.podsOf(app).size() == replicas);
      assertTrue(counter.minReady >= replicas - 1, "ready pods fell to " + counter.minReady + " (maxUnavailable 1)");
      assertTrue(counter.maxPods <= replicas + 1, "pods rose to " + counter.maxPods + " (maxSurge 1)");
    }

    // a rollback puts the previous template back (what `skiff rollout undo` does); its ReplicaSet comes back
    List<ReplicaSet> before = workloads.replicaSetsOf(app);
    workloads.setImage(app, "app:1");
    workloads.awaitDeployment(app, d -> Workloads.rolledOut(d, replicas));
    await().atMost(PATIENCE).until(() -> workloads.images(app).equals(Set.of("app:1")) && workloads.podsOf(app).size() == replicas);
    assertEquals(before.stream().map(r -> r.getMetadata().getName()).collect(Collectors.toSet()),
        workloads.replicaSetsOf(app).stream().map(r -> r.getMetadata().getName()).collect(Collectors.toSet()),
        "the old ReplicaSet is reused, no new one is made");
  }

  @Test
  void podsOfANodeThatStopsHeartbeatingAreReplacedElsewhere() throws Exception {
    String app = unique("moved");
    workloads.deployments.create(Workloads.deployment(app, 4, "app:1", 0));
    workloads.awaitDeployment(app, d -> d.getStatus().getAvailableReplicas() == 4);
    String victim = workloads.podsOf(app).get(0).getSpec().getNodeName();
    Set<String> victimsPods = workloads.podsOf(app).stream().filter(p -> p.getSpec().getNodeName().equals(victim))
        .map(p -> p.getMetadata().getName()).collect(Collectors.toSet());

    hollow.stop(victim);
    await().atMost(PATIENCE).until(() -> {
      List<Pod> now = workloads.podsOf(app);
      return now.size() == 4 && now.stream().noneMatch(p -> p.getSpec().getNodeName().equals(victim))
          && now.stream().allMatch(p -> PodTesting.condition(p, "Ready", "True"));
    });
    assertTrue(workloads.podsOf(app).stream().noneMatch(p -> victimsPods.contains(p.getMetadata().getName())));
    workloads.awaitDeployment(app, d -> d.getStatus().getAvailableReplicas() == 4);
    hollow.start(victim, 2, 4L << 30);  // back for the other tests
  }

  @Test
  void deletingADeploymentRemovesItsReplicaSetsAndPods() {
    String app = unique("gone");
    workloads.deployments.create(Workloads.deployment(app, 3, "app:1", 0));
    workloads.awaitDeployment(app, d -> d.getStatus().getAvailableReplicas() == 3);
    workloads.setImage(app, "app:2");
    workloads.awaitDeployment(app, d -> d.getStatus().getUpdatedReplicas() == 3 && d.getStatus().getAvailableReplicas() == 3);
    assertEquals(2, workloads.replicaSetsOf(app).size());

    workloads.deployments.delete(DeleteRequest.newBuilder().setNamespace("default").setName(app).build());
    await().atMost(PATIENCE).until(() -> workloads.replicaSetsOf(app).isEmpty() && workloads.podsOf(app).isEmpty());
    for (HollowNode node : hollow.nodes()) {
      assertFalse(node.runtime().listSandboxes().stream()
          .anyMatch(s -> s.labels().getOrDefault(RuntimeLabels.POD_NAME, "").startsWith(app + "-")),
          "no sandbox of the app is left on " + node.name());
    }
  }

  // ---- helpers ----

  /** Counts, over a watch, the least ready and the most existing pods of an app while it lives. */
  private static final class ReadyCounter implements AutoCloseable {
    private final Map<String, Pod> current = new HashMap<>();
    private final ResumingWatch<Pod> watch;
    volatile int minReady = Integer.MAX_VALUE;
    volatile int maxPods;

    ReadyCounter(String app) {
      var listed = pods.list(ListRequest.newBuilder().setNamespace("default").setLabelSelector("app=" + app).build());
      listed.items().forEach(p -> current.put(p.getMetadata().getName(), p));
      count();
      watch = new ResumingWatch<>(pods, WatchRequest.newBuilder().setNamespace("default")
          .setLabelSelector("app=" + app).setResourceVersion(listed.meta().getResourceVersion()).build(),
          new WatchListener<>() {
            @Override
            public void onEvent(String type, Pod pod) {
              synchronized (current) {
                if (type.equals("DELETED")) {
                  current.remove(pod.getMetadata().getName());
                } else if (!type.equals("BOOKMARK")) {
                  current.put(pod.getMetadata().getName(), pod);
                }
                count();
              }
            }

            @Override
            public void onEnd(Status status) {
            }
          });
    }

    private void count() {
      int ready = 0;
      int existing = 0;
      for (Pod pod : current.values()) {
        if (!pod.getMetadata().hasDeletionTimestamp()) {
          existing++;
          if (PodTesting.condition(pod, "Ready", "True")) {
            ready++;
          }
        }
      }
      minReady = Math.min(minReady, ready);
      maxPods = Math.max(maxPods, existing);
    }

    @Override
    public void close() {
      watch.close();
    }
  }

  private static String unique(String prefix) {
    return prefix + "-" + SEQUENCE.incrementAndGet();
  }
}
