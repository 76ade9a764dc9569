package io.skiff.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.skiff.agent.AgentConfig;
import io.skiff.agent.hollow.HollowNodes;
import io.skiff.api.v1.Lease;
import io.skiff.api.v1.ListRequest;
import io.skiff.api.v1.Node;
import io.skiff.api.v1.NodeSpec;
import io.skiff.api.v1.ObjectMeta;
import io.skiff.api.v1.Pod;
import io.skiff.client.Endpoints;
import io.skiff.client.ResourceClient;
import io.skiff.client.ResourceTypes;
import io.skiff.controlplane.process.MasterProcess;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code kill -9} of a master of three while one client writes pods without pause and three clients
 * watch them, every client configured with all three endpoints. The masters (one cluster for the
 * class; each test leaves all three running) have a short controller lease; three hollow nodes run
 * the pods of a Deployment, and the writer's pods are bound to a cordoned node with no agent, so
 * only the writer writes them.
 */
@Tag("process")
class MasterFailoverProcessTest {
  private static final Logger log = LoggerFactory.getLogger(MasterFailoverProcessTest.class);
  /** A bound against hanging, not a performance goal (scripts/bench-failover.sh measures that). */
  private static final long WRITE_GAP_BOUND_MILLIS = 15_000;
  private static final Duration PATIENCE = Duration.ofSeconds(90);
  private static final String PARKED_NODE = "parked";
  private static final int HOLLOW_NODES = 3;

  private static MasterSet cluster;
  private static HollowNodes hollow;

  @BeforeAll
  static void startCluster() throws Exception {
    cluster = MasterSet.start("master-failover", List.of("--leader-lease-ms", "1500"));
    // hollow nodes are many nodes in one client: they call as the administrator
    hollow = new HollowNodes(AgentConfig.defaults(Endpoints.parse(cluster.endpoints()), "unused").withPort(0), 0,
        cluster.admin());
    hollow.start("hollow", HOLLOW_NODES, 4, 8L << 30);
    new ResourceClient<>(cluster.channel(), ResourceTypes.NODES, 10_000).create(Node.newBuilder()
        .setMetadata(ObjectMeta.newBuilder().setName(PARKED_NODE))
        .setSpec(NodeSpec.newBuilder().setUnschedulable(true)).build());
  }

  @AfterEach
  void restartKilledMasters() {
    cluster.restartDead();  // the next test starts with three again
  }

  @AfterAll
  static void stopCluster() throws Exception {
    try {
      if (hollow != null) {
        hollow.close();
      }
    } finally {
      if (cluster != null) {
        cluster.close();
      }
    }
  }

  @Test
  void killingAFollowerChangesNothingTheClientsSee() throws Exception {
    try (Traffic traffic = Traffic.start(cluster, "follower-kill", PARKED_NODE)) {
      traffic.awaitWrites(30);
      MasterProcess leader = cluster.storeLeader();
      MasterProcess holder = cluster.leaseHoldingMaster(leader);
      // a follower, and not the controllers' either when there is a choice: this is about the store
      MasterProcess follower = cluster.masters.stream().filter(m -> m != leader)
          .min(Comparator.comparing(m -> m == holder)).orElseThrow();
      Map<String, String> servedBy = traffic.servedBy();
      log.info("killing follower {} (store leader {}, controllers on {}); clients use {}", follower.id(),
          leader.id(), holder.id(), servedBy);
      int before = traffic.writer.count();
      long killedAt = System.nanoTime();
      follower.kill();
      traffic.awaitWrites(before + 50);
      log.info("follower kill: the first write begun after it acknowledged {} ms after it; longest pause between "
          + "writes so far {} ms", millisSince(killedAt, traffic.writer.firstWriteBegunAfter(killedAt)),
          traffic.writer.longestPauseMillis());

      follower.restart();
      awaitCaughtUp(follower, leader);
      traffic.awaitWrites(traffic.writer.count() + 20);  // and writes go on while it rejoins
      traffic.stopAndCheck();

      for (Map.Entry<String, String> client : servedBy.entrySet()) {
        boolean onKilled = client.getValue().equals(follower.id());
        String who = client.getKey();
        if (who.equals("writer")) {
          log.info("writer (on {}): {} writes, failed calls settled by reading back: {}", client.getValue(),
              traffic.writer.count(), traffic.writer.failures());
          if (!onKilled) {
            assertEquals(List.of(), traffic.writer.failures(), "the writer's calls all succeeded");
          }
        } else {
          int resumed = traffic.watcher(who).resumptions();
          log.info("{} (on {}): watch resumed {} times", who, client.getValue(), resumed);
          if (!onKilled) {
            assertEquals(0, resumed, who + " watched on " + client.getValue() + " without a break");
          }
        }
      }
      log.info("follower kill: longest pause between acknowledged writes {} ms", traffic.writer.longestPauseMillis());
      // nor did the masters notice more than a peer gone and back: the same store leader and controllers
      assertEquals(leader.id(), cluster.storeLeader().id(), "the store leader");
      if (follower != holder) {
        assertEquals(holder.id(), cluster.leaseHoldingMaster(leader).id(), "the controllers' master");
      }
    }
  }

  @Test
  void killingTheLeadingMasterFailsOverAndItCatchesUpOnRestart() throws Exception {
    ManagedChannel channel = cluster.channel();
    Deployments apps = new Deployments(channel);
    String app = "scaled-in-failover";
    apps.deployments.create(Deployments.of(app, 3, "exec sleep 3600"));
    apps.awaitAvailable(app, 3);
    MasterProcess leading = leadingMaster();
    boolean ranControllers = cluster.leaseHoldingMaster(leading) == leading;

    try (Traffic traffic = Traffic.start(cluster, "leader-kill", PARKED_NODE)) {
      traffic.awaitWrites(30);
      log.info("killing the leading master {} (store leader; controllers: {}); clients use {}", leading.id(),
          ranControllers, traffic.servedBy());
      int before = traffic.writer.count();
      long lastRevisionBefore = traffic.writer.acknowledged().subList(0, before).stream()
          .mapToLong(Change::resourceVersion).max().orElseThrow();
      long killedAt = System.nanoTime();
      long killedAtWall = System.currentTimeMillis();
      leading.kill();
      apps.scale(app, 6);  // while the masters elect; the next controllers must act on it

      traffic.awaitWrites(before + 50);
      long firstWriteMillis = millisSince(killedAt, traffic.writer.firstWriteBegunAfter(killedAt));
      MasterProcess survivor = cluster.masters.stream().filter(MasterProcess::isAlive).findFirst().orElseThrow();
      Lease taken = await("the controllers' lease taken by a live master").atMost(PATIENCE)
          .pollInterval(Duration.ofMillis(50)).ignoreException(StatusRuntimeException.class)
          .until(() -> cluster.controllerLease(survivor), l -> !l.getSpec().getHolderIdentity().isEmpty()
              && !l.getSpec().getHolderIdentity().startsWith(leading.id() + "-"));
      // the new holder's clock and ours are this machine's
      long takeoverMillis = millis(taken.getSpec().getAcquireTime()) - killedAtWall;
      MasterProcess newLeader = cluster.storeLeader();
      log.info("leader kill: the first write begun after it acknowledged {} ms after it; store leader now {}; "
          + "controllers taken by {} {} ms after it", firstWriteMillis, newLeader.id(),
          taken.getSpec().getHolderIdentity(), takeoverMillis);
      assertNotEquals(leading.id(), newLeader.id());
      assertTrue(firstWriteMillis < WRITE_GAP_BOUND_MILLIS, "writes resumed after " + firstWriteMillis + " ms");

      apps.awaitAvailable(app, 6);
      List<Pod> pods = apps.podsOf(app);
      Set<String> hollowNodes = hollow.nodes().stream().map(n -> n.name()).collect(Collectors.toSet());
      assertEquals(6, pods.size(), "exactly the replicas asked for: " + names(pods));
      for (Pod pod : pods) {
        assertTrue(hollowNodes.contains(pod.getSpec().getNodeName()), pod.getMetadata().getName() + " is bound to "
            + pod.getSpec().getNodeName());
      }

      leading.restart();
      traffic.stopAndCheck();
      awaitCaughtUp(leading, newLeader);
      // what was written while it was down, it now serves (its List is a linearizable read of its own store)
      List<String> onRestarted = namesAndVersions(cluster.channelTo(leading), traffic.namespace);
      assertEquals(namesAndVersions(cluster.channelTo(newLeader), traffic.namespace), onRestarted);
      long writtenWhileDown = traffic.writer.acknowledged().stream()
          .filter(c -> c.resourceVersion() > lastRevisionBefore && !c.type().equals("DELETED")).count();
      assertTrue(writtenWhileDown > 0);
      log.info("leader kill: {} writes in all; failed calls settled by reading back: {}; longest pause between "
          + "acknowledged writes {} ms; watch resumptions {}", traffic.writer.count(), traffic.writer.failures(),
          traffic.writer.longestPauseMillis(),
          traffic.watchers.stream().map(PodWatcher::resumptions).toList());
    }
  }

  /**
   * The store leader, made to hold the controllers' Lease too when another master holds it: that
   * master is frozen (SIGSTOP) until another takes the lease, as often as it takes for the store
   * leader to be the one. Returns the store leader either way (and the test says which it killed).
   */
  private static MasterProcess leadingMaster() {
    for (int attempt = 0; attempt < 6; attempt++) {
      MasterProcess leader = cluster.storeLeader();
      MasterProcess holder = cluster.leaseHoldingMaster(leader);
      if (holder == leader) {
        return leader;
      }
      Signals.stop(holder.pid());
      try {
        await("another master takes the lease from frozen " + holder.id()).atMost(PATIENCE)
            .pollInterval(Duration.ofMillis(50)).ignoreException(StatusRuntimeException.class)
            .until(() -> cluster.leaseHolder(leader), h -> !h.isEmpty() && !h.startsWith(holder.id() + "-"));
      } finally {
        Signals.resume(holder.pid());
      }
    }
    log.warn("the store leader and the controllers stayed on different masters");
    return cluster.storeLeader();
  }

  /** Waits until {@code member}'s store revision reaches {@code leader}'s, as each reports it. */
  private static void awaitCaughtUp(MasterProcess member, MasterProcess leader) {
    long target = cluster.revisionOf(leader, leader);
    long startedAt = System.nanoTime();
    await(member.id() + " catches up to revision " + target).atMost(PATIENCE).pollInterval(Duration.ofMillis(100))
        .ignoreException(StatusRuntimeException.class)
        .until(() -> cluster.revisionOf(member, member) >= target);
    log.info("{} reached revision {} {} ms after serving again", member.id(), target, millisSince(startedAt,
        System.nanoTime()));
  }

  private static List<String> namesAndVersions(ManagedChannel channel, String namespace) {
    return new ResourceClient<>(channel, ResourceTypes.PODS, 10_000)
        .list(ListRequest.newBuilder().setNamespace(namespace).build()).items().stream()
        .map(p -> p.getMetadata().getName() + "@" + p.getMetadata().getResourceVersion()).sorted().toList();
  }

  private static List<String> names(List<Pod> pods) {
    return pods.stream().map(p -> p.getMetadata().getName() + " on " + p.getSpec().getNodeName()).toList();
  }

  private static long millis(com.google.protobuf.Timestamp time) {
    return time.getSeconds() * 1000 + time.getNanos() / 1_000_000;
  }

  private static long millisSince(long startNanos, long endNanos) {
    return endNanos < 0 ? -1 : TimeUnit.NANOSECONDS.toMillis(endNanos - startNanos);
  }
}
