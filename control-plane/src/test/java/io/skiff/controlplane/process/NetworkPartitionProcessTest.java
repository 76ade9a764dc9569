package io.skiff.controlplane.process;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.skiff.api.v1.ClusterGrpc;
import io.skiff.api.v1.GetRequest;
import io.skiff.api.v1.MembersRequest;
import io.skiff.api.v1.MembersResponse;
import io.skiff.api.v1.Namespace;
import io.skiff.api.v1.NamespacesGrpc;
import io.skiff.api.v1.ObjectMeta;
import io.skiff.pki.TlsFiles;
import io.skiff.store.process.Etcdctl;
import java.time.Duration;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Three real masters, each in a network namespace of its own ({@link MasterNetwork}), and partitions
 * that cut one master off from the other two while this test still reaches all three. When the store's
 * Raft leader is cut off, the majority elects a new leader and serves writes and linearizable reads;
 * when a follower is, the leader carries on. Either way the isolated master serves no stale
 * linearizable read and acknowledges no write, nothing it did not acknowledge is ever applied, and
 * after healing it catches up. Checked through the typed API (a Namespace's labels) and through the
 * etcd endpoint with the real etcdctl. The two tests share the cluster; each starts from a converged one.
 * Runs as root (CI does); skipped, saying why, where network namespaces cannot be made.
 */
@Tag("process")
class NetworkPartitionProcessTest {

  /** The masters' default ports: each master has an address of its own. */
  private static final int RAFT_PORT = 2380;
  private static final int STORE_PORT = 2379;
  private static final int API_PORT = 6443;
  /** How long a client waits for one call; a call through the isolated master should end no better. */
  private static final Duration CALL_DEADLINE = Duration.ofSeconds(5);
  /** A bound against hanging only: elections and catching up take seconds. */
  private static final Duration PATIENCE = Duration.ofSeconds(60);
  /**
   * Catching up waits on TCP: the leader's append stream to the isolated peer sits on a connection whose
   * retransmissions backed off during the partition (Ratis keeps the connection when it restarts the
   * stream), so it moves again only at the next retransmission, which may be about as far off as the
   * partition was long (up to TCP's 120 s ceiling). Measured here: 20 to 25 s after a 30 s partition.
   */
  private static final Duration CATCH_UP_PATIENCE = Duration.ofMinutes(3);
  private static final String KEY = "/partition/value";
  private static final String ISOLATED_KEY = "/partition/written-while-isolated";
  private static final String PROBE = "partition-probe";
  private static final String ISOLATED_NAMESPACE = "written-while-isolated";

  static MasterNetwork network;
  static List<MasterProcess> masters = List.of();
  static final List<ManagedChannel> channels = new ArrayList<>();
  /** Each master's store member id (etcd's, decimal), by index. */
  static final List<String> memberIds = new ArrayList<>();

  @BeforeAll
  static void start() {
    Optional<String> unavailable = MasterNetwork.unavailable();
    Assumptions.assumeTrue(unavailable.isEmpty(), () -> "no network partition test here: " + unavailable.orElseThrow());
    network = MasterNetwork.create(3);
    List<MasterProcess.Placement> placements = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      placements.add(new MasterProcess.Placement(network.launcher(i), network.host(i), RAFT_PORT, STORE_PORT, API_PORT));
    }
    // no controllers: nothing but this test writes, so revisions can be compared after healing
    masters = MasterProcess.startCluster(NetworkPartitionProcessTest.class.getSimpleName(), placements,
        MasterProcess.TEST_JVM_OPTIONS, List.of("--controllers", "false"));
    for (int m = 0; m < masters.size(); m++) {
      channels.add(masters.get(m).channel());
      memberIds.add(JsonParser.parseString(etcdctl(m).run("endpoint", "status", "-w", "json").assertSuccess().stdout())
          .getAsJsonArray().get(0).getAsJsonObject().getAsJsonObject("Status").getAsJsonObject("header")
          .get("member_id").getAsString());
    }
  }

  @AfterAll
  static void stop() {
    channels.forEach(ManagedChannel::shutdownNow);
    masters.forEach(MasterProcess::close);
    if (network != null) {
      network.close();
    }
  }

  @Test
  void theIsolatedLeaderServesNothingStaleAndRejoinsWhileTheMajorityCarriesOn() throws Exception {
    int leader = writeBefore();
    int[] majority = others(leader);

    long partitioned = System.nanoTime();
    network.isolate(leader);
    step("isolated the leader " + id(leader));
    // when it steps down is watched apart, so that the checks below run while it may still believe it leads
    CompletableFuture<Long> stepDown = CompletableFuture.supplyAsync(() -> {
      await("the isolated master " + id(leader) + " to step down").atMost(PATIENCE).pollInterval(Duration.ofMillis(200))
          .until(() -> status(leader).leader() != leader);
      return System.nanoTime();
    });
    long[] electedAndWrote = theMajorityCarriesOn(leader, majority);
    theIsolatedMasterServesNothingStale(leader);
    long steppedDown = stepDown.get(2 * PATIENCE.toSeconds(), TimeUnit.SECONDS);
    step(id(leader) + " stepped down");
    assertNotEquals(leader, leaderSeenBy(leader), "Cluster/Members through the isolated master after it stepped down");
    assertNoStaleRead(leader);
    // it did not learn the new value: a serializable (local) read shows what the refusals above protected
    assertEquals("before", etcdctl(leader).run("get", KEY, "--consistency=s", "--print-value-only").assertSuccess()
        .stdout().strip(), "the isolated master's own state is behind the majority's");

    long healed = System.nanoTime();
    network.heal(leader);
    step("healed");
    long converged = theHealedMasterCatchesUp(leader, majority[0]);

    System.out.printf(Locale.ROOT, "partition of the leader %s: new leader elected after %d ms, first write"
            + " through the majority after %d ms, old leader stepped down after %d ms; after healing, caught up in %d ms%n",
        id(leader), millis(partitioned, electedAndWrote[0]), millis(partitioned, electedAndWrote[1]),
        millis(partitioned, steppedDown), millis(healed, converged));
  }

  /**
   * A follower cut off: the leader keeps its majority and goes on without an election; the follower
   * serves no stale linearizable read (it cannot reach the leader for a read index) and acknowledges no
   * write; after healing it catches up.
   */
  @Test
  void anIsolatedFollowerServesNothingStaleAndCatchesUp() {
    int leader = writeBefore();
    int follower = others(leader)[0];
    int other = others(leader)[1];

    network.isolate(follower);
    step("isolated the follower " + id(follower));
    etcdctl(leader).run("put", KEY, "during").assertSuccess();
    updateProbe(other, "during");
    assertEquals(leader, status(leader).leader(), "the leader keeps its majority");
    for (int m : new int[] {leader, other}) {
      assertEquals("during", etcdValue(m), "a linearizable read through " + id(m));
      assertEquals("during", probeStep(m), "a read of the probe through " + id(m));
    }
    theIsolatedMasterServesNothingStale(follower);
    assertEquals("before", etcdctl(follower).run("get", KEY, "--consistency=s", "--print-value-only").assertSuccess()
        .stdout().strip(), "the isolated master's own state is behind the majority's");

    long healed = System.nanoTime();
    network.heal(follower);
    step("healed");
    long converged = theHealedMasterCatchesUp(follower, leader);
    System.out.printf(Locale.ROOT, "partition of the follower %s: after healing, caught up in %d ms%n",
        id(follower), millis(healed, converged));
  }

  /**
   * Once every master follows one leader and has its revision (a test before may have partitioned them),
   * writes the values the partition's checks start from, and waits until every master reads them.
   * Returns the leader.
   */
  private static int writeBefore() {
    int leader = awaitLeader(0, -1);
    await("every master to follow " + id(leader) + " at its revision").atMost(CATCH_UP_PATIENCE).until(() -> {
      PeerView view = status(leader);
      return view.leader() == leader && IntStream.range(0, masters.size()).mapToObj(m -> status(m))
          .allMatch(v -> v.leader() == leader && v.revision() == view.revision());
    });
    assertEquals(leader, leaderSeenBy(0), "Cluster/Members names the leader Maintenance.Status names");
    etcdctl(leader).run("put", KEY, "before").assertSuccess();
    setProbe(leader, "before");
    for (int i = 0; i < masters.size(); i++) {
      int m = i;
      await("master " + id(m) + " reads the value written before the partition").atMost(PATIENCE)
          .until(() -> "before".equals(etcdValue(m)) && "before".equals(probeStep(m)));
    }
    return leader;
  }

  /**
   * The majority elects a leader among itself, then acknowledges writes and serves them back through
   * both APIs and both of its masters (one of them a follower). Returns when it had elected and written.
   */
  private static long[] theMajorityCarriesOn(int isolated, int[] majority) {
    int newLeader = awaitLeader(majority[0], isolated);
    long elected = System.nanoTime();
    assertNotEquals(isolated, newLeader, "the isolated master cannot be the majority's leader");
    await("a write through the majority's master " + id(majority[1])).atMost(PATIENCE)
        .ignoreExceptions().until(() -> etcdctl(majority[1]).run("put", KEY, "during").exitCode() == 0);
    long wrote = System.nanoTime();
    step("the majority elected " + id(newLeader) + " and took a write");
    updateProbe(majority[0], "during");
    for (int m : majority) {
      assertEquals("during", etcdValue(m), "a linearizable read through " + id(m));
      assertEquals("during", probeStep(m), "a read of the probe through " + id(m));
    }
    return new long[] {elected, wrote};
  }

  /** Right after the majority wrote (an isolated leader may still believe it leads): no stale read, no write. */
  private static void theIsolatedMasterServesNothingStale(int isolated) {
    assertNoStaleRead(isolated);
    assertNoWrite(isolated);
    step("no stale read and no write through " + id(isolated));
  }

  /**
   * After healing, the isolated master reaches the majority's revision and serves its values; all
   * follow one leader; what the isolated master did not acknowledge was never applied anywhere (the
   * check comes well after the store's own patience for a write, see RaftGateway). Returns when it caught up.
   */
  private static long theHealedMasterCatchesUp(int isolated, int other) {
    await("the isolated master " + id(isolated) + " to catch up with the majority").atMost(CATCH_UP_PATIENCE)
        .ignoreExceptions().until(() -> status(isolated).revision() == status(other).revision()
            && "during".equals(etcdValue(isolated)) && "during".equals(probeStep(isolated)));
    long converged = System.nanoTime();
    step(id(isolated) + " caught up");
    await("every master to follow one leader").atMost(PATIENCE).until(() -> {
      int l = status(0).leader();
      return l >= 0 && status(1).leader() == l && status(2).leader() == l;
    });
    for (int m = 0; m < masters.size(); m++) {
      // a read just after healing may time out while the peers settle (a vote by the returning master);
      // what matters is what a read that succeeds sees
      int through = m;
      String isolatedValue = await(ISOLATED_KEY + " readable through " + id(m)).atMost(PATIENCE).ignoreExceptions()
          .until(() -> etcdctl(through).run("get", ISOLATED_KEY, "--print-value-only").assertSuccess().stdout().strip(),
              value -> true);
      assertEquals("", isolatedValue, ISOLATED_KEY + " through " + id(m));
      assertNotFound(m, ISOLATED_NAMESPACE);
    }
    return converged;
  }

  /**
   * A linearizable read through {@code m} fails or returns the newest value, never the one the majority
   * has overwritten.
   */
  private static void assertNoStaleRead(int m) {
    Etcdctl.Result get = etcdctl(m).run("get", KEY, "--print-value-only");
    if (get.exitCode() == 0) {
      assertEquals("during", get.stdout().strip(), "etcdctl get through the isolated master: " + get);
    }
    try {
      assertEquals("during", probe(m).getMetadata().getLabelsOrThrow("step"), "Namespaces/Get through " + id(m));
    } catch (StatusRuntimeException refused) {
      assertNotEquals(Status.Code.NOT_FOUND, refused.getStatus().getCode(), refused.toString());
    }
  }

  /** Writes through {@code m} are not acknowledged. */
  private static void assertNoWrite(int m) {
    Etcdctl.Result put = etcdctl(m).run("put", ISOLATED_KEY, "x");
    assertNotEquals(0, put.exitCode(), "etcdctl put through the isolated master succeeded: " + put);
    try {
      Namespace created = namespaces(m).create(Namespace.newBuilder()
          .setMetadata(ObjectMeta.newBuilder().setName(ISOLATED_NAMESPACE)).build());
      fail("Namespaces/Create through the isolated master " + id(m) + " succeeded: " + created);
    } catch (StatusRuntimeException refused) {
      // UNAVAILABLE or DEADLINE_EXCEEDED: the outcome is the store's to decide, and it must decide "never"
    }
  }

  private static void assertNotFound(int m, String namespace) {
    try {
      fail("Namespace " + namespace + " exists through " + id(m) + ": "
          + namespaces(m).get(GetRequest.newBuilder().setName(namespace).build()));
    } catch (StatusRuntimeException e) {
      assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode(), e.toString());
    }
  }

  /** Waits until master {@code asked} names a leader other than {@code not}, and returns it. */
  private static int awaitLeader(int asked, int not) {
    return await("a store leader named by master " + id(asked)).atMost(PATIENCE).ignoreExceptions()
        .pollInterval(Duration.ofMillis(50)).until(() -> status(asked).leader(), l -> l >= 0 && l != not);
  }

  /**
   * The leader master {@code asked} knows by the Skiff API (Cluster/Members), or -1 while it knows none.
   * Slow on an isolated master: it asks the others for their status and waits for each to time out.
   */
  private static int leaderSeenBy(int asked) {
    MembersResponse members = ClusterGrpc.newBlockingStub(channels.get(asked))
        .withDeadlineAfter(3 * CALL_DEADLINE.toMillis(), TimeUnit.MILLISECONDS).members(MembersRequest.getDefaultInstance());
    return members.getLeader().isEmpty() ? -1 : Integer.parseInt(members.getLeader().substring(1)) - 1;
  }

  /** What master {@code m}'s store says of itself: whom it follows (-1: none known) and its revision. */
  record PeerView(int leader, long revision) {
  }

  /**
   * etcd's Maintenance.Status of master {@code m}, through {@code etcdctl endpoint status}: answered from
   * the peer's own state, so it answers at once even when isolated.
   */
  private static PeerView status(int m) {
    JsonObject status = JsonParser.parseString(etcdctl(m).run("endpoint", "status", "-w", "json").assertSuccess()
        .stdout()).getAsJsonArray().get(0).getAsJsonObject().getAsJsonObject("Status");
    String leader = status.has("leader") ? status.get("leader").getAsString() : "0";  // omitted when 0
    int index = memberIds.indexOf(leader);
    assertTrue(index >= 0 || leader.equals("0"), "leader " + leader + " is one of " + memberIds);
    return new PeerView(index, status.getAsJsonObject("header").get("revision").getAsLong());
  }

  /** The value of {@link #KEY} by a linearizable read through master {@code m}, or null if that failed. */
  private static String etcdValue(int m) {
    Etcdctl.Result get = etcdctl(m).run("get", KEY, "--print-value-only");
    return get.exitCode() == 0 ? get.stdout().strip() : null;
  }

  private static void setProbe(int m, String step) {
    try {
      updateProbe(m, step);
    } catch (StatusRuntimeException e) {
      assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode(), e.toString());
      namespaces(m).create(Namespace.newBuilder()
          .setMetadata(ObjectMeta.newBuilder().setName(PROBE).putLabels("step", step)).build());
    }
  }

  private static void updateProbe(int m, String step) {
    Namespace current = probe(m);
    namespaces(m).update(current.toBuilder()
        .setMetadata(current.getMetadata().toBuilder().putLabels("step", step)).build());
  }

  private static Namespace probe(int m) {
    return namespaces(m).get(GetRequest.newBuilder().setName(PROBE).build());
  }

  /** The probe's step label read through master {@code m}, or null if the read failed. */
  private static String probeStep(int m) {
    try {
      return probe(m).getMetadata().getLabelsOrDefault("step", "");
    } catch (StatusRuntimeException e) {
      return null;
    }
  }

  private static NamespacesGrpc.NamespacesBlockingStub namespaces(int m) {
    return NamespacesGrpc.newBlockingStub(channels.get(m)).withDeadlineAfter(CALL_DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** etcdctl against master {@code m}'s store endpoint only (no failover to the others), as the administrator. */
  private static Etcdctl etcdctl(int m) {
    TlsFiles admin = masters.get(m).adminFiles();
    return new Etcdctl(List.of("https://" + masters.get(m).storeEndpoint()), CALL_DEADLINE)
        .withTls(admin.trustedCa(), admin.certificate(), admin.privateKey());
  }

  /** Progress on stdout (kept in the surefire report), to line up with the masters' logs. */
  private static void step(String what) {
    System.out.println(LocalTime.now() + " " + what);
  }

  private static int[] others(int m) {
    return IntStream.range(0, masters.size()).filter(i -> i != m).toArray();
  }

  private static String id(int m) {
    return masters.get(m).id();
  }

  private static long millis(long fromNanos, long toNanos) {
    return TimeUnit.NANOSECONDS.toMillis(toNanos - fromNanos);
  }
}
