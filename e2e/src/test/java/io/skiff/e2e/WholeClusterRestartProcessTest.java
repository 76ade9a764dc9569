package io.skiff.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.skiff.agent.e2e.AgentProcess;
import io.skiff.agent.e2e.PodmanNode;
import io.skiff.agent.podman.LibpodJson;
import io.skiff.api.v1.ContainerStatus;
import io.skiff.api.v1.DeleteRequest;
import io.skiff.api.v1.Pod;
import io.skiff.controlplane.process.MasterProcess;
import io.skiff.e2e.ObjectInventory.Listed;
import io.skiff.e2e.ObjectInventory.StoreRead;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * All three masters killed (SIGKILL) at once and started again on their data directories, while a
 * real agent process runs a Deployment's pods in real Podman: every object comes back as it was,
 * and the containers never stop — the same containers, the same processes, no restart counted.
 */
@Tag("process")
class WholeClusterRestartProcessTest {
  private static final Logger log = LoggerFactory.getLogger(WholeClusterRestartProcessTest.class);
  private static final Duration PATIENCE = Duration.ofSeconds(90);
  private static final int REPLICAS = 2;

  private MasterSet cluster;
  private PodmanNode node;
  private AgentProcess agent;

  @TempDir
  Path certDir;

  @BeforeEach
  void start() throws Exception {
    cluster = MasterSet.start("whole-restart", List.of("--leader-lease-ms", "1500"));
    node = PodmanNode.open();
    // a node certificate provisioned from the cluster's CA (the grace-period test joins with a token)
    cluster.provisionNode(node.node, certDir);
    agent = AgentProcess.start("whole-restart", AgentProcess.JVM_OPTIONS, List.of("--masters", cluster.endpoints(),
        "--cert-dir", certDir.toString(), "--node-name", node.node, "--port", String.valueOf(PodmanNode.freePort()),
        "--podman-socket", PodmanNode.socket().toString(), "--backoff-initial-ms", "200", "--backoff-max-ms", "1600"));
  }

  @AfterEach
  void stop() throws Exception {
    try {
      if (agent != null) {
        agent.close();
      }
    } finally {
      try {
        if (node != null) {
          node.close();
        }
      } finally {
        cluster.close();
      }
    }
  }

  @Test
  void everyObjectComesBackAndTheContainersNeverStop() throws Exception {
    ManagedChannel channel = cluster.channel();
    Deployments apps = new Deployments(channel);
    String app = node.name("web");
    apps.deployments.create(Deployments.of(app, REPLICAS, "exec sleep 3600"));
    apps.awaitAvailable(app, REPLICAS);
    Map<String, String> containers = awaitRunningAndReady(apps, app, REPLICAS);
    Map<String, Started> processes = processes(containers);

    // the store's objects at one revision, then the API's lists (each at that revision or later)
    StoreRead before = ObjectInventory.store(cluster.masters.get(0).storeEndpoint(), cluster.adminFiles(), 0);
    Map<String, Listed> listed = ObjectInventory.list(channel);
    log.info("{} objects in the store at revision {}; the API lists {}", before.kvs().size(), before.revision(),
        listed.size());
    long killedAt = System.nanoTime();
    cluster.masters.forEach(MasterProcess::kill);

    // with every master gone, the containers run on
    assertEquals(processes, processes(containers), "the containers while no master runs");
    assertTrue(agent.isAlive(), "the agent outlives its masters\n" + agent.logTail());
    cluster.restartDead();
    log.info("all three masters serve again {} ms after the kill", (System.nanoTime() - killedAt) / 1_000_000);

    // the store holds exactly what it held, on every member
    for (MasterProcess master : cluster.masters) {
      assertEquals(before.kvs(), ObjectInventory.store(master.storeEndpoint(), cluster.adminFiles(), before.revision()).kvs(),
          master.id() + "'s store at revision " + before.revision());
    }
    // the API serves every object, same uid; a new resourceVersion only for what was written since its list
    Map<String, Listed> after = await("the API lists again").atMost(PATIENCE)
        .ignoreException(StatusRuntimeException.class).until(() -> ObjectInventory.list(channel), m -> true);
    Map<String, String> changed = new TreeMap<>();
    for (Listed was : listed.values()) {
      Listed now = after.get(was.key());
      assertTrue(now != null, was.key() + " is back");
      assertEquals(was.uid(), now.uid(), was.key() + "'s uid");
      if (now.resourceVersion() != was.resourceVersion()) {
        assertTrue(now.resourceVersion() > was.listedAt(), was.key() + " at " + now.resourceVersion()
            + " was at " + was.resourceVersion() + " when listed at " + was.listedAt());
        changed.put(was.key(), was.resourceVersion() + "->" + now.resourceVersion());
      }
    }
    log.info("every object is back; written since (heartbeats and the like): {}", changed);

    // the pods are as they were: the same containers, never restarted, Running and Ready
    assertEquals(containers, awaitRunningAndReady(apps, app, REPLICAS), "the pods' containers");
    assertEquals(processes, processes(containers), "the containers' processes");
    for (Pod pod : apps.podsOf(app)) {
      for (ContainerStatus status : pod.getStatus().getContainerStatusesList()) {
        assertEquals(0, status.getRestartCount(), pod.getMetadata().getName() + " restarts");
      }
    }
    // and the agent is back in touch: one more replica (the controllers', the scheduler's and its own work) runs
    apps.scale(app, REPLICAS + 1);
    Map<String, String> scaled = awaitRunningAndReady(apps, app, REPLICAS + 1);
    assertTrue(scaled.entrySet().containsAll(containers.entrySet()), "the first pods beside the new: " + scaled);
    assertEquals(processes, processes(containers), "the containers' processes");

    apps.deployments.delete(DeleteRequest.newBuilder().setNamespace("default").setName(app).build());
    await("the pods of " + app + " gone").atMost(PATIENCE).ignoreException(StatusRuntimeException.class)
        .until(() -> apps.podsOf(app).isEmpty());
  }

  /** Waits until the app has {@code replicas} pods, each Running and Ready; returns pod name → container id. */
  private Map<String, String> awaitRunningAndReady(Deployments apps, String app, int replicas) {
    return await(app + "'s pods running and ready").atMost(PATIENCE).pollInterval(Duration.ofMillis(200))
        .ignoreException(StatusRuntimeException.class)
        .until(() -> {
          if (!agent.isAlive()) {
            throw new IllegalStateException("the agent exited\n" + agent.logTail());
          }
          List<Pod> pods = apps.podsOf(app);
          if (pods.size() != replicas || !pods.stream().allMatch(WholeClusterRestartProcessTest::runningAndReady)) {
            return null;
          }
          return pods.stream().collect(Collectors.toMap(p -> p.getMetadata().getName(),
              p -> p.getStatus().getContainerStatuses(0).getContainerId(), (a, b) -> a, TreeMap::new));
        }, m -> m != null);
  }

  private static boolean runningAndReady(Pod pod) {
    return pod.getStatus().getPhase().equals("Running") && pod.getStatus().getContainerStatusesCount() == 1
        && pod.getStatus().getConditionsList().stream()
            .anyMatch(c -> c.getType().equals("Ready") && c.getStatus().equals("True"));
  }

  /** Podman's view of each container: running, its pid and start time (a restart would change them). */
  private Map<String, Started> processes(Map<String, String> containers) {
    Map<String, Started> states = new TreeMap<>();
    for (String id : containers.values()) {
      LibpodJson.ContainerState state = node.podman.inspectContainer(id.substring("podman://".length())).state();
      assertTrue(state.running(), id + " runs: " + state);
      states.put(id, new Started(state.pid(), state.startedAt()));
    }
    return states;
  }

  /** A container's process as Podman saw it start. */
  private record Started(int pid, String at) {
  }
}
