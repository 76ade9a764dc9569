package io.skiff.controlplane.election;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static io.skiff.controlplane.testing.Eventually.await;

import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.skiff.api.v1.Lease;
import io.skiff.api.v1.ObjectMeta;
import io.skiff.api.v1.Pod;
import io.skiff.api.v1.PodSpec;
import io.skiff.api.v1.Container;
import io.skiff.client.FencingToken;
import io.skiff.client.ResourceClient;
import io.skiff.client.ResourceTypes;
import io.skiff.controlplane.testing.MasterCluster;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Leader election over a real master: one candidate leads at a time, another
 * takes over when the leader stops renewing, and — the point of fencing — a
 * deposed leader that still believes it leads cannot write anything.
 */
class LeaderElectionTest {
  private static final ElectionSettings FAST = new ElectionSettings("skiff-system", "test-election",
      Duration.ofSeconds(1), Duration.ofMillis(700), Duration.ofMillis(100));

  @TempDir
  static Path dataDir;
  static MasterCluster cluster;
  static ResourceClient<Lease> leases;

  @BeforeAll
  static void start() throws Exception {
    cluster = MasterCluster.start(1, dataDir);
    leases = new ResourceClient<>(cluster.channel(0), ResourceTypes.LEASES, 5_000);
  }

  @AfterAll
  static void stop() throws Exception {
    cluster.close();
  }

  @Test
  void oneCandidateLeadsAndAnotherTakesOverWhenItStopsRenewing() throws Exception {
    ElectionSettings settings = named("takeover");
    Terms a = new Terms();
    Terms b = new Terms();
    LeaderElector first = new LeaderElector(leases, "a", settings, Clock.systemUTC(), a).start();
    await(first::leading, "a leads");
    LeaderElector second = new LeaderElector(leases, "b", settings, Clock.systemUTC(), b).start();
    Thread.sleep(2 * settings.leaseDuration().toMillis());
    assertFalse(second.leading(), "b must not lead while a renews");
    assertEquals("a", leases.get("skiff-system", settings.name()).getSpec().getHolderIdentity());

    FencingToken firstToken = first.token();
    first.stopCampaigning();  // a pauses: it still believes it leads
    long stoppedAt = System.nanoTime();
    await(second::leading, "b takes over");
    long takeoverMillis = (System.nanoTime() - stoppedAt) / 1_000_000;
    assertTrue(takeoverMillis >= settings.leaseDuration().toMillis() - 200,
        "b waited for the lease to run out, took " + takeoverMillis + " ms");
    assertTrue(first.leading(), "a paused and has not noticed");
    assertNotEquals(firstToken, second.token());
    Lease lease = leases.get("skiff-system", settings.name());
    assertEquals("b", lease.getSpec().getHolderIdentity());
    assertEquals(1, lease.getSpec().getLeaseTransitions());
    assertEquals(List.of(firstToken), a.started);
    second.close();
    await(() -> b.stopped > 0, "b's term ends on close");
    assertEquals("", leases.get("skiff-system", settings.name()).getSpec().getHolderIdentity(),
        "a closing leader hands the lease back");
  }

  @Test
  void aDeposedLeaderCannotWriteWhileTheNewOneCan() throws Exception {
    ElectionSettings settings = named("fencing");
    LeaderElector first = new LeaderElector(leases, "old", settings, Clock.systemUTC(), new Terms()).start();
    await(first::leading, "old leads");
    FencingToken stale = first.token();
    ResourceClient<Pod> oldPods = fenced(stale);
    oldPods.create(pod("written-while-leading"));

    first.stopCampaigning();
    LeaderElector second = new LeaderElector(leases, "new", settings, Clock.systemUTC(), new Terms()).start();
    await(second::leading, "new leads");
    ResourceClient<Pod> newPods = fenced(second.token());

    // both believe they lead; only the one whose fence still stands may write, whatever the verb
    StatusRuntimeException refused = assertThrows(StatusRuntimeException.class,
        () -> oldPods.create(pod("written-after-deposed")));
    assertEquals(Status.Code.FAILED_PRECONDITION, refused.getStatus().getCode());
    assertTrue(refused.getStatus().getDescription().contains("fencing token " + stale.format() + " is stale"),
        refused.getStatus().getDescription());
    Pod leading = oldPods.get("default", "written-while-leading");
    assertEquals(Status.Code.FAILED_PRECONDITION, assertThrows(StatusRuntimeException.class,
        () -> oldPods.update(leading.toBuilder().setMetadata(leading.getMetadata().toBuilder()
            .putLabels("by", "old")).build())).getStatus().getCode());
    assertEquals(Status.Code.FAILED_PRECONDITION, assertThrows(StatusRuntimeException.class,
        () -> oldPods.delete(io.skiff.api.v1.DeleteRequest.newBuilder().setNamespace("default")
            .setName("written-while-leading").build())).getStatus().getCode());

    ResourceClient<Pod> plain = new ResourceClient<>(cluster.channel(0), ResourceTypes.PODS, 5_000);
    assertEquals(Status.Code.NOT_FOUND, assertThrows(StatusRuntimeException.class,
        () -> plain.get("default", "written-after-deposed")).getStatus().getCode());
    assertFalse(plain.get("default", "written-while-leading").getMetadata().getLabelsMap().containsKey("by"));

    newPods.create(pod("written-by-new"));
    Pod current = newPods.get("default", "written-while-leading");
    newPods.update(current.toBuilder().setMetadata(current.getMetadata().toBuilder().putLabels("by", "new")).build());
    assertEquals("new", plain.get("default", "written-while-leading").getMetadata().getLabelsMap().get("by"));
    second.close();
  }

  @Test
  void renewalsKeepTheTokenGood() throws Exception {
    ElectionSettings settings = named("renewals");
    LeaderElector elector = new LeaderElector(leases, "steady", settings, Clock.systemUTC(), new Terms()).start();
    await(elector::leading, "steady leads");
    FencingToken token = elector.token();
    long version = leases.get("skiff-system", settings.name()).getMetadata().getResourceVersion();
    await(() -> leases.get("skiff-system", settings.name()).getMetadata().getResourceVersion() > version + 5,
        "several renewals");
    assertEquals(token, elector.token());
    fenced(token).create(pod("after-renewals"));
    elector.close();
  }

  @Test
  void aMalformedTokenIsRefusedNamingTheHeader() {
    Metadata headers = new Metadata();
    headers.put(FencingToken.HEADER, "no-revision");
    Channel channel = ClientInterceptors.intercept(cluster.channel(0), MetadataUtils.newAttachHeadersInterceptor(headers));
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
        () -> new ResourceClient<>(channel, ResourceTypes.PODS, 5_000).create(pod("never")));
    assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
    assertTrue(e.getStatus().getDescription().startsWith("skiff-fence: fencing token \"no-revision\""),
        e.getStatus().getDescription());
  }

  private static ElectionSettings named(String name) {
    return new ElectionSettings(FAST.namespace(), name, FAST.leaseDuration(), FAST.renewDeadline(), FAST.retryPeriod());
  }

  private static ResourceClient<Pod> fenced(FencingToken token) {
    assertNotNull(token);
    return new ResourceClient<>(ClientInterceptors.intercept(cluster.channel(0), FencingToken.interceptor(() -> token)),
        ResourceTypes.PODS, 5_000);
  }

  private static Pod pod(String name) {
    return Pod.newBuilder().setMetadata(ObjectMeta.newBuilder().setNamespace("default").setName(name))
        .setSpec(PodSpec.newBuilder().addContainers(Container.newBuilder().setName("c").setImage("busybox")))
        .build();
  }

  /** Records the terms a candidate was told about. */
  private static final class Terms implements LeaderElector.Callbacks {
    final List<FencingToken> started = new CopyOnWriteArrayList<>();
    volatile int stopped;

    @Override
    public void startedLeading(FencingToken token) {
      started.add(token);
    }

    @Override
    public void stoppedLeading() {
      stopped++;
    }
  }
}
