package io.skiff.agent.hollow;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.skiff.agent.AgentConfig;
import io.skiff.api.v1.Lease;
import io.skiff.client.Endpoints;
import io.skiff.client.ResourceClient;
import io.skiff.client.ResourceTypes;
import io.skiff.controlplane.process.MasterProcess;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Three master processes and four hollow nodes; a Deployment is rolling when
 * the master that runs the controllers is killed (SIGKILL). Another master
 * takes the lease and finishes the rollout from what the store holds: every
 * pod updated and available, and not one pod more than asked for.
 */
@Tag("process")
class LeaderKillDuringRolloutProcessTest {
  private static final int REPLICAS = 8;

  private List<MasterProcess> masters;
  private ManagedChannel channel;
  private HollowNodes hollow;

  @BeforeEach
  void start() throws Exception {
    masters = MasterProcess.startCluster("leader-kill", 3, MasterProcess.TEST_JVM_OPTIONS, List.of());
    String endpoints = masters.stream().map(MasterProcess::apiTarget).collect(Collectors.joining(","));
    channel = MasterProcess.channelToAll(masters);
    // hollow nodes are many nodes in one client: they call as the administrator
    hollow = new HollowNodes(AgentConfig.defaults(Endpoints.parse(endpoints), "unused").withPort(0), 0,
        masters.get(0).adminCredentials());
    hollow.start("rollout", 4, 4, 8L << 30);
  }

  @AfterEach
  void stop() throws Exception {
    if (hollow != null) {
      hollow.close();
    }
    if (channel != null) {
      channel.shutdownNow();
    }
    masters.forEach(MasterProcess::close);
  }

  @Test
  void aRolloutInterruptedByTheLeadersDeathFinishesUnderTheNextLeader() {
    Workloads workloads = new Workloads(channel);
    ResourceClient<Lease> leases = new ResourceClient<>(channel, ResourceTypes.LEASES, 10_000);
    String app = "interrupted";
    // a second of readiness per pod makes the rollout last several seconds: long enough to be cut
    workloads.deployments.create(Workloads.deployment(app, REPLICAS, "app:1", 1));
    workloads.awaitDeployment(app, d -> Workloads.rolledOut(d, REPLICAS));

    String leader = holder(leases);
    workloads.setImage(app, "app:2");
    workloads.awaitDeployment(app, d -> d.getStatus().getUpdatedReplicas() >= 1);
    MasterProcess leading = masters.stream().filter(m -> leader.startsWith(m.id() + "-")).findFirst().orElseThrow();
    leading.close();  // SIGKILL

    workloads.awaitDeployment(app, d -> Workloads.rolledOut(d, REPLICAS));
    String next = holder(leases);
    assertNotEquals(leader, next, "another master leads");
    assertTrue(!next.startsWith(leading.id() + "-"));
    await().atMost(Workloads.PATIENCE).ignoreException(StatusRuntimeException.class)
        .until(() -> workloads.images(app).equals(java.util.Set.of("app:2"))
            && workloads.podsOf(app).size() == REPLICAS);
    assertEquals(REPLICAS, workloads.podsOf(app).size(), "no pod more than asked for");
    assertEquals(2, workloads.replicaSetsOf(app).size());
  }

  private static String holder(ResourceClient<Lease> leases) {
    return await().atMost(Workloads.PATIENCE).ignoreException(StatusRuntimeException.class)
        .until(() -> leases.get("skiff-system", "skiff-controller-manager").getSpec().getHolderIdentity(),
            h -> !h.isEmpty());
  }
}
