package io.skiff.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.skiff.agent.e2e.AgentProcess;
import io.skiff.agent.e2e.PodmanNode;
import io.skiff.api.v1.Condition;
import io.skiff.api.v1.CreateTokenRequest;
import io.skiff.api.v1.CreateTokenResponse;
import io.skiff.api.v1.DeleteRequest;
import io.skiff.api.v1.ListRequest;
import io.skiff.api.v1.Node;
import io.skiff.api.v1.Pod;
import io.skiff.api.v1.PodStatus;
import io.skiff.client.Credentials;
import io.skiff.client.ResourceClient;
import io.skiff.client.ResourceTypes;
import io.skiff.pki.PkiDirectory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Two real agents (two node names on this machine, one Podman) and an agent frozen (SIGSTOP) for
 * longer than the node grace period: its node goes NotReady, its pods are evicted and replaced on
 * the other node, where they run. Thawed, the agent finds its pods deleted and stops their
 * containers, so no pod runs twice. One master (with short node timeouts) is enough here: this is
 * about the node lifecycle, not about masters failing. The agents join with a join-agent token, as
 * users add nodes, and the frozen node's certificate cannot write the status of its replacement pods.
 */
@Tag("process")
class AgentGracePeriodProcessTest {
  private static final Logger log = LoggerFactory.getLogger(AgentGracePeriodProcessTest.class);
  private static final Duration PATIENCE = Duration.ofSeconds(90);
  /** Twice the agent's lease renewal (10 s): an agent that is merely slow on a busy machine stays Ready. */
  private static final int GRACE_SECONDS = 20;
  private static final int REPLICAS = 2;

  private MasterSet cluster;
  private final List<AgentProcess> agents = new ArrayList<>();
  private final List<PodmanNode> nodes = new ArrayList<>();
  private Long frozen;
  /** The agents join as users do: a join-agent token and the CA's pin, each getting its node certificate. */
  private CreateTokenResponse join;
  @TempDir
  Path certDirs;

  @BeforeEach
  void start() {
    cluster = MasterSet.start("agent-grace", 1, List.of("--node-monitor-grace-period-s",
        String.valueOf(GRACE_SECONDS), "--pod-eviction-timeout-s", "1"));
    join = cluster.createToken(cluster.masters.get(0), CreateTokenRequest.newBuilder().setPurpose("join-agent")
        .setDescription("agent-grace agents").build());
  }

  @AfterEach
  void stop() {
    try {
      if (frozen != null) {
        Signals.resume(frozen);
      }
      agents.forEach(AgentProcess::close);
    } finally {
      try {
        nodes.forEach(PodmanNode::close);
      } finally {
        cluster.close();
      }
    }
  }

  @Test
  void theFrozenAgentsPodsAreReplacedOnTheOtherNode() {
    ManagedChannel channel = cluster.channel();
    ResourceClient<Node> nodeClient = new ResourceClient<>(channel, ResourceTypes.NODES, 10_000);
    Deployments apps = new Deployments(channel);
    PodmanNode first = PodmanNode.open();
    nodes.add(first);
    AgentProcess firstAgent = startAgent(first);
    awaitReady(nodeClient, first.node, "True");
    String app = first.name("web");
    apps.deployments.create(Deployments.of(app, REPLICAS, "exec sleep 3600"));
    apps.awaitAvailable(app, REPLICAS);
    List<Pod> original = apps.podsOf(app);
    assertTrue(original.stream().allMatch(p -> p.getSpec().getNodeName().equals(first.node)), "on the only node");

    PodmanNode second = PodmanNode.open();
    nodes.add(second);
    startAgent(second);
    awaitReady(nodeClient, second.node, "True");

    frozen = firstAgent.pid();
    Signals.stop(frozen);
    long frozenAt = System.nanoTime();
    awaitReady(nodeClient, first.node, "Unknown");
    log.info("{} NotReady (Unknown) {} ms after its agent froze", first.node, millisSince(frozenAt));
    List<Pod> replacements = await("replacements running on " + second.node).atMost(PATIENCE)
        .pollInterval(Duration.ofMillis(200)).ignoreException(StatusRuntimeException.class)
        .until(() -> apps.podsOf(app), pods -> pods.size() == REPLICAS && pods.stream().allMatch(p ->
            p.getSpec().getNodeName().equals(second.node) && p.getStatus().getPhase().equals("Running")));
    log.info("{} replacements running on {} {} ms after the freeze", REPLICAS, second.node, millisSince(frozenAt));
    apps.awaitAvailable(app, REPLICAS);
    for (Pod pod : replacements) {
      assertEquals(1, second.appContainers(pod.getMetadata().getName()).size(), pod.getMetadata().getName());
    }
    assertFirstNodeCannotWriteTheStatusOf(replacements.get(0), first, second);

    // thawed, the agent stops the evicted pods' containers and lets them go: no pod runs twice
    Signals.resume(frozen);
    frozen = null;
    long thawedAt = System.nanoTime();
    awaitReady(nodeClient, first.node, "True");
    log.info("{} Ready again {} ms after its agent thawed", first.node, millisSince(thawedAt));
    Set<String> evicted = original.stream().map(p -> p.getMetadata().getName()).collect(Collectors.toSet());
    await("the evicted pods gone, and their containers").atMost(PATIENCE).pollInterval(Duration.ofMillis(200))
        .ignoreException(StatusRuntimeException.class)
        .until(() -> evicted.stream().allMatch(name -> first.containers(name).isEmpty()) && apps.pods
            .list(ListRequest.newBuilder().setNamespace("default").setLabelSelector("app=" + app).build()).items()
            .stream().noneMatch(p -> evicted.contains(p.getMetadata().getName())));
    log.info("the thawed agent removed the evicted pods {} ms after the freeze", millisSince(frozenAt));
    assertEquals(replacements.stream().map(p -> p.getMetadata().getUid()).sorted().toList(),
        apps.podsOf(app).stream().map(p -> p.getMetadata().getUid()).sorted().toList(), "the replacements stay");

    apps.deployments.delete(DeleteRequest.newBuilder().setNamespace("default").setName(app).build());
    await("the pods of " + app + " gone").atMost(PATIENCE).ignoreException(StatusRuntimeException.class)
        .until(() -> apps.podsOf(app).isEmpty());
  }

  /**
   * The first agent's own credential — the node certificate it got by joining — is refused the status
   * of a pod bound to the second node, and nothing it tried is written.
   */
  private void assertFirstNodeCannotWriteTheStatusOf(Pod theirs, PodmanNode first, PodmanNode second) {
    Credentials firstNode = Credentials.tls(new PkiDirectory(certDirs.resolve(first.node)).files("node"));
    ResourceClient<Pod> asFirst = new ResourceClient<>(cluster.channel(firstNode), ResourceTypes.PODS, 10_000);
    PodStatus forged = PodStatus.newBuilder().setPhase("Failed").setMessage("forged by " + first.node).build();
    StatusRuntimeException refused = assertThrows(StatusRuntimeException.class,
        () -> asFirst.updateStatus(theirs.toBuilder().setStatus(forged).build()));
    assertEquals(Status.Code.PERMISSION_DENIED, refused.getStatus().getCode(), refused.toString());
    assertEquals("node \"" + first.node + "\" cannot update-status pods in namespace \"default\": pod \""
        + theirs.getMetadata().getName() + "\" is not bound to it", refused.getStatus().getDescription());
    Pod stored = new ResourceClient<>(cluster.channel(), ResourceTypes.PODS, 10_000)
        .get("default", theirs.getMetadata().getName());
    assertEquals(second.node, stored.getSpec().getNodeName());
    assertNotEquals("forged by " + first.node, stored.getStatus().getMessage(), "nothing written");
  }

  private AgentProcess startAgent(PodmanNode node) {
    AgentProcess agent = AgentProcess.start("agent-grace", AgentProcess.JVM_OPTIONS, List.of("--masters",
        cluster.endpoints(), "--cert-dir", certDirs.resolve(node.node).toString(), "--token", join.getBearer(),
        "--ca-cert-hash", join.getCaCertHash(), "--node-name", node.node, "--port", String.valueOf(PodmanNode.freePort()),
        "--podman-socket", PodmanNode.socket().toString(), "--backoff-initial-ms", "200", "--backoff-max-ms", "1600"));
    agents.add(agent);
    return agent;
  }

  private static void awaitReady(ResourceClient<Node> nodes, String name, String status) {
    await(name + " Ready=" + status).atMost(PATIENCE).pollInterval(Duration.ofMillis(100))
        .ignoreException(StatusRuntimeException.class)
        .until(() -> ready(nodes.get("", name)).equals(status));
  }

  private static String ready(Node node) {
    return node.getStatus().getConditionsList().stream().filter(c -> c.getType().equals("Ready"))
        .map(Condition::getStatus).findFirst().orElse("");
  }

  private static long millisSince(long nanos) {
    return (System.nanoTime() - nanos) / 1_000_000;
  }
}
