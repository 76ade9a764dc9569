package io.skiff.store.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Runs the real {@code etcdctl} 3.4 against a three-member cluster and checks what it prints. The expected
 * output is etcd's own, proven by the etcd subclass; the Skiff subclass holds the store to it.
 *
 * <p>One cluster serves the whole class, so every test writes only under its own key prefix and reads
 * back only revisions it created itself (compaction, which is cluster-wide, stays below them).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
abstract class EtcdctlCompatibilityTest {

  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final List<String> TXN_PROMPTS = List.of(
      "compares:", "success requests (get, put, del):", "failure requests (get, put, del):");
  /** Far from any id a server hands out in a test run. */
  private static final String UNKNOWN_LEASE = "7777777777777777";

  private StoreCluster cluster;
  private Etcdctl etcdctl;
  private String prefix;

  protected abstract StoreCluster newCluster();

  @BeforeAll
  void startCluster() {
    cluster = newCluster();
    cluster.start();
    etcdctl = new Etcdctl(cluster.clientEndpoints());
  }

  @AfterAll
  void closeCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @BeforeEach
  void namespaceKeys(TestInfo test) {
    prefix = "/compat/" + test.getTestMethod().orElseThrow().getName() + "/";
  }

  private String key(String name) {
    return prefix + name;
  }

  // ---- put / get ----

  @Test
  void getPrintsKeysAndValuesWithPrefixRevLimitAndProjections() {
    String a = key("a");
    String b = key("b");
    long aCreated = put(a, "1");
    long bCreated = put(b, "2");
    put(a, "3");

    assertEquals(List.of(a, "3"), get(a));
    assertEquals(List.of(a, "3", b, "2"), get(prefix, "--prefix"));
    assertEquals(List.of("3", "2"), get(prefix, "--prefix", "--print-value-only"));
    // etcdctl 3.4 still prints the (empty) value line after each key
    assertEquals(List.of(a, "", b, ""), get(prefix, "--prefix", "--keys-only"));
    assertEquals(List.of(a, "3"), get(prefix, "--prefix", "--limit", "1"));
    assertEquals(List.of(a, "1"), get(a, "--rev", Long.toString(aCreated)));
    assertEquals(List.of(a, "1"), get(prefix, "--prefix", "--rev", Long.toString(aCreated)));
    assertEquals(List.of(a, "1", b, "2"), get(prefix, "--prefix", "--rev", Long.toString(bCreated)));
    assertEquals(List.of(), get(key("missing")));
  }

  @Test
  void putPrintsOkAndJsonGetCarriesHeaderRevisionAndBase64Kvs() {
    String a = key("a");
    String b = key("b");
    assertEquals(List.of("OK"), etcdctl.run("put", a, "1").assertSuccess().lines());
    long aCreated = json(etcdctl.run("get", a, "-w", "json")).getAsJsonArray("kvs").get(0)
        .getAsJsonObject().get("create_revision").getAsLong();
    long bCreated = put(b, "two");
    long aModified = put(a, "three");

    JsonObject all = json(etcdctl.run("get", prefix, "--prefix", "-w", "json"));
    assertEquals(aModified, all.getAsJsonObject("header").get("revision").getAsLong());
    assertEquals(2, all.get("count").getAsLong());
    assertFalse(all.has("more") && all.get("more").getAsBoolean());
    JsonArray kvs = all.getAsJsonArray("kvs");
    assertEquals(2, kvs.size());
    assertKv(kvs.get(0), a, "three", aCreated, aModified, 2);
    assertKv(kvs.get(1), b, "two", bCreated, bCreated, 1);

    JsonObject limited = json(etcdctl.run("get", prefix, "--prefix", "--limit", "1", "-w", "json"));
    assertTrue(limited.get("more").getAsBoolean());
    assertEquals(2, limited.get("count").getAsLong());
    assertEquals(1, limited.getAsJsonArray("kvs").size());
    assertKv(limited.getAsJsonArray("kvs").get(0), a, "three", aCreated, aModified, 2);

    // Go's encoder omits empty fields: a miss has no kvs and no count.
    JsonObject miss = json(etcdctl.run("get", key("missing"), "-w", "json"));
    assertFalse(miss.has("kvs") && !miss.getAsJsonArray("kvs").isEmpty());
    assertEquals(0, miss.has("count") ? miss.get("count").getAsLong() : 0);
    assertTrue(miss.getAsJsonObject("header").get("revision").getAsLong() >= aModified);
  }

  @Test
  void emptyKeyIsRejected() {
    etcdctl.run("put", "", "v").assertFailure("etcdserver: key is not provided");
    etcdctl.run("get", "").assertFailure("etcdserver: key is not provided");
  }

  // ---- del ----

  @Test
  void delPrintsDeletedCountAndPreviousKvs() {
    String a = key("a");
    String b = key("b");
    for (String k : List.of(a, b, key("c/1"), key("c/2"))) {
      assertEquals(List.of("OK"), etcdctl.run("put", k, k + "-value").assertSuccess().lines());
    }

    assertEquals(List.of("1"), del(a));
    assertEquals(List.of("0"), del(a));
    assertEquals(List.of(), get(a));
    assertEquals(List.of("1", b, b + "-value"), del(b, "--prev-kv"));
    assertEquals(List.of("2"), del(key("c/"), "--prefix"));
    assertEquals(List.of(), get(prefix, "--prefix"));
  }

  // ---- txn ----

  @Test
  void txnRunsSuccessOpsWhenEveryCompareHolds() {
    String k = key("k");
    long created = put(k, "v1");
    String input = String.join("\n",
        "value(\"" + k + "\") = \"v1\"",
        "version(\"" + k + "\") = \"1\"",
        "create(\"" + k + "\") = \"" + created + "\"",
        "mod(\"" + k + "\") < \"" + (created + 1) + "\"",
        "",
        "put " + k + " v2",
        "get " + k,
        "",
        "put " + k + " wrong-branch",
        "",
        "");

    List<String> out = etcdctl.runWithInput(input, "txn", "-i").assertSuccess().lines();

    assertEquals(concat(TXN_PROMPTS, List.of("SUCCESS", "", "OK", "", k, "v2")), out);
    assertEquals(List.of(k, "v2"), get(k));
  }

  @Test
  void txnRunsFailureOpsWhenACompareFails() {
    String k = key("k");
    String other = key("other");
    long created = put(k, "v1");
    put(other, "o");
    String input = String.join("\n",
        "value(\"" + k + "\") = \"v1\"",
        "version(\"" + k + "\") = \"1\"",
        "create(\"" + k + "\") < \"" + created + "\"",
        "",
        "put " + k + " wrong-branch",
        "",
        "del " + other,
        "put " + k + " v3",
        "get " + k,
        "",
        "");

    List<String> out = etcdctl.runWithInput(input, "txn", "-i").assertSuccess().lines();

    assertEquals(concat(TXN_PROMPTS, List.of("FAILURE", "", "1", "", "OK", "", k, "v3")), out);
    assertEquals(List.of(), get(other));
  }

  // ---- watch ----

  @Test
  void watchFromRevisionReplaysHistoryThenStreamsLiveEvents() {
    String a = key("w/a");
    String b = key("w/b");
    long first = put(a, "1");
    put(a, "2");
    del(a);
    put(b, "3");

    try (Etcdctl.Background watch =
             etcdctl.start("watch", "--prefix", key("w/"), "--rev", Long.toString(first))) {
      assertEquals(List.of("PUT", a, "1", "PUT", a, "2", "DELETE", a, "", "PUT", b, "3"),
          watch.nextLines(12, WAIT));
      // The replay has arrived, so the watch is established: what follows is live.
      put(a, "4");
      del(b);
      assertEquals(List.of("PUT", a, "4", "DELETE", b, ""), watch.nextLines(6, WAIT));
    }
  }

  @Test
  void watchPrefixSeesOnlyLaterEventsUnderThePrefix() {
    String a = key("p/a");
    String b = key("p/b");
    put(key("p/before"), "old");

    try (Etcdctl.Background watch = etcdctl.start("watch", "--prefix", key("p/"))) {
      awaitWatching(watch, key("p/sync"));
      put(a, "1");
      put(key("p-outside"), "x");
      del(a);
      put(b, "2");
      assertEquals(List.of("PUT", a, "1", "DELETE", a, "", "PUT", b, "2"), watch.nextLines(9, WAIT));
    }
  }

  @Test
  void watchWithPrevKvPrintsThePreviousPairBeforeTheNewOne() {
    String k = key("k");
    long created = put(k, "v1");

    try (Etcdctl.Background watch =
             etcdctl.start("watch", "--prev-kv", "--rev", Long.toString(created), k)) {
      put(k, "v2");
      del(k);
      assertEquals(List.of(
              "PUT", k, "v1",
              "PUT", k, "v1", k, "v2",
              "DELETE", k, "v2", k, ""),
          watch.nextLines(13, WAIT));
    }
  }

  // ---- lease ----

  @Test
  void leaseGrantAttachKeepAliveAndRevokeRemovesKeys() {
    String a = key("a");
    String b = key("b");
    String grant = single(etcdctl.run("lease", "grant", "60").assertSuccess());
    Matcher granted = Pattern.compile("lease ([0-9a-f]{16}) granted with TTL\\(60s\\)").matcher(grant);
    assertTrue(granted.matches(), grant);
    String id = granted.group(1);
    try {
      assertEquals(List.of("OK"), etcdctl.run("put", "--lease=" + id, a, "1").assertSuccess().lines());
      assertEquals(List.of("OK"), etcdctl.run("put", "--lease=" + id, b, "2").assertSuccess().lines());

      String ttl = single(etcdctl.run("lease", "timetolive", id, "--keys").assertSuccess());
      Matcher alive = Pattern.compile("lease " + id
          + " granted with TTL\\(60s\\), remaining\\((\\d+)s\\), attached keys\\(\\[(.*)]\\)").matcher(ttl);
      assertTrue(alive.matches(), ttl);
      long remaining = Long.parseLong(alive.group(1));
      assertTrue(remaining > 0 && remaining <= 60, ttl);
      // the server keeps a lease's keys in no particular order
      assertEquals(Set.of(a, b), Set.of(alive.group(2).split(" ")));

      List<String> leases = etcdctl.run("lease", "list").assertSuccess().lines();
      assertEquals("found " + (leases.size() - 1) + " leases", leases.get(0));
      assertTrue(leases.subList(1, leases.size()).contains(id), leases.toString());

      try (Etcdctl.Background keepAlive = etcdctl.start("lease", "keep-alive", id)) {
        assertEquals("lease " + id + " keepalived with TTL(60)", keepAlive.nextLine(WAIT));
      }

      assertEquals(List.of("lease " + id + " revoked"),
          etcdctl.run("lease", "revoke", id).assertSuccess().lines());
    } finally {
      etcdctl.run("lease", "revoke", id); // a no-op once revoked; keeps a failed test's keys from expiring later
    }
    assertEquals(List.of(), get(prefix, "--prefix"));
    assertEquals(List.of("lease " + id + " already expired"),
        etcdctl.run("lease", "timetolive", id).assertSuccess().lines());
    assertFalse(etcdctl.run("lease", "list").assertSuccess().lines().contains(id));
  }

  @Test
  void unknownLeaseIsReported() {
    String k = key("k");
    etcdctl.run("put", "--lease=" + UNKNOWN_LEASE, k, "v").assertFailure("etcdserver: requested lease not found");
    assertEquals(List.of(), get(k));
    etcdctl.run("lease", "revoke", UNKNOWN_LEASE).assertFailure("requested lease not found");
    assertEquals(List.of("lease " + UNKNOWN_LEASE + " already expired"),
        etcdctl.run("lease", "timetolive", UNKNOWN_LEASE).assertSuccess().lines());
    assertEquals(List.of("lease " + UNKNOWN_LEASE + " expired or revoked."),
        etcdctl.run("lease", "keep-alive", UNKNOWN_LEASE).assertSuccess().lines());
  }

  // ---- compaction ----

  @Test
  void compactedRevisionsCanNoLongerBeReadOrWatched() {
    String k = key("k");
    long first = put(k, "v1");
    long second = put(k, "v2");

    assertEquals(List.of("compacted revision " + second),
        etcdctl.run("compaction", Long.toString(second)).assertSuccess().lines());

    etcdctl.run("get", k, "--rev", Long.toString(first))
        .assertFailure("etcdserver: mvcc: required revision has been compacted");
    assertEquals(List.of(k, "v2"), get(k, "--rev", Long.toString(second)));

    // The server cancels the watch; etcdctl reports it and exits by itself with ExitInterrupted (5).
    Etcdctl.Result watch = etcdctl.run("watch", k, "--rev", Long.toString(first))
        .assertFailure("watch was canceled (etcdserver: mvcc: required revision has been compacted)");
    assertEquals(5, watch.exitCode(), watch.toString());
  }

  // ---- cluster ----

  @Test
  void memberListShowsEveryMemberWithItsNameAndClientUrl() {
    List<String> lines = etcdctl.run("member", "list").assertSuccess().lines();

    assertEquals(cluster.size(), lines.size(), lines.toString());
    Set<String> names = new HashSet<>();
    Set<String> ids = new HashSet<>();
    for (String line : lines) {
      // ID, status, name, peer URLs, client URLs, is learner
      String[] fields = line.split(", ");
      assertEquals(6, fields.length, line);
      assertTrue(fields[0].matches("[0-9a-f]+"), line);
      assertEquals("started", fields[1], line);
      int index = memberIndex(fields[2]);
      assertEquals("http://" + cluster.clientEndpoint(index), fields[4], line);
      assertEquals("false", fields[5], line);
      names.add(fields[2]);
      ids.add(fields[0]);
    }
    assertEquals(cluster.size(), names.size(), lines.toString());
    assertEquals(cluster.size(), ids.size(), lines.toString());
  }

  @Test
  void endpointStatusReportsEveryMemberAndExactlyOneLeader() {
    List<String> endpoints = cluster.clientEndpoints();
    List<String> lines = etcdctl.run("endpoint", "status").assertSuccess().lines();
    List<String[]> rows = lines.stream().map(line -> line.split(", ")).toList();
    assertEquals(endpoints, rows.stream().map(row -> row[0]).toList(), lines.toString());
    List<Integer> leaderRows = new ArrayList<>();
    for (int i = 0; i < rows.size(); i++) {
      // endpoint, ID, version, DB size, is leader, is learner, raft term, raft index, applied index, errors
      assertTrue(rows.get(i).length >= 9, lines.get(i));
      if ("true".equals(rows.get(i)[4])) {
        leaderRows.add(i);
      }
    }
    assertEquals(1, leaderRows.size(), lines.toString());

    JsonArray statuses = JsonParser.parseString(
        etcdctl.run("endpoint", "status", "-w", "json").assertSuccess().stdout()).getAsJsonArray();
    assertEquals(endpoints.size(), statuses.size());
    Set<BigInteger> leaders = new HashSet<>();
    List<Integer> selfLed = new ArrayList<>();
    for (int i = 0; i < statuses.size(); i++) {
      JsonObject entry = statuses.get(i).getAsJsonObject();
      assertEquals(endpoints.get(i), entry.get("Endpoint").getAsString());
      JsonObject status = entry.getAsJsonObject("Status");
      BigInteger memberId = status.getAsJsonObject("header").get("member_id").getAsBigInteger();
      BigInteger leader = status.get("leader").getAsBigInteger();
      assertEquals(memberId.toString(16), rows.get(i)[1], "simple and JSON output name the same member");
      leaders.add(leader);
      if (leader.equals(memberId)) {
        selfLed.add(i);
      }
    }
    assertEquals(1, leaders.size(), statuses.toString());
    assertEquals(leaderRows, selfLed);
    assertEquals(List.of(cluster.leaderIndex()), selfLed);
  }

  @Test
  void endpointHealthReportsEveryMemberHealthy() {
    Etcdctl.Result result = etcdctl.run("endpoint", "health").assertSuccess();

    // etcdctl 3.4 prints the simple health report on stderr, not stdout
    assertEquals("", result.stdout());
    List<String> lines = Etcdctl.splitLines(result.stderr()).stream()
        .filter(line -> line.contains(" is healthy") || line.contains(" is unhealthy"))
        .toList();
    // etcdctl checks the endpoints concurrently, so the lines come in any order
    Set<String> healthy = new HashSet<>();
    for (String line : lines) {
      Matcher m = Pattern.compile("(\\S+) is healthy: successfully committed proposal: took = .+")
          .matcher(line);
      assertTrue(m.matches(), line);
      healthy.add(m.group(1));
    }
    assertEquals(cluster.size(), lines.size(), result.toString());
    assertEquals(Set.copyOf(cluster.clientEndpoints()), healthy);

    Set<String> healthyInJson = new HashSet<>();
    for (JsonElement element : JsonParser.parseString(
        etcdctl.run("endpoint", "health", "-w", "json").assertSuccess().stdout()).getAsJsonArray()) {
      JsonObject health = element.getAsJsonObject();
      assertTrue(health.get("health").getAsBoolean(), health.toString());
      healthyInJson.add(health.get("endpoint").getAsString());
    }
    assertEquals(healthy, healthyInJson);
  }

  // ---- helpers ----

  /** Puts with {@code -w json} and returns the revision the put created. */
  private long put(String k, String value) {
    return json(etcdctl.run("put", k, value, "-w", "json"))
        .getAsJsonObject("header").get("revision").getAsLong();
  }

  private List<String> get(String k, String... flags) {
    return etcdctl.run(concat(List.of("get", k), List.of(flags)).toArray(String[]::new))
        .assertSuccess().lines();
  }

  private List<String> del(String k, String... flags) {
    return etcdctl.run(concat(List.of("del", k), List.of(flags)).toArray(String[]::new))
        .assertSuccess().lines();
  }

  private static JsonObject json(Etcdctl.Result result) {
    return JsonParser.parseString(result.assertSuccess().stdout()).getAsJsonObject();
  }

  private static void assertKv(JsonElement element, String k, String value, long created, long modified,
                               long version) {
    JsonObject kv = element.getAsJsonObject();
    assertEquals(k, decode(kv.get("key")), kv.toString());
    assertEquals(value, decode(kv.get("value")), kv.toString());
    assertEquals(created, kv.get("create_revision").getAsLong(), kv.toString());
    assertEquals(modified, kv.get("mod_revision").getAsLong(), kv.toString());
    assertEquals(version, kv.get("version").getAsLong(), kv.toString());
  }

  private static String decode(JsonElement base64) {
    return new String(Base64.getDecoder().decode(base64.getAsString()), StandardCharsets.UTF_8);
  }

  private static String single(Etcdctl.Result result) {
    List<String> lines = result.lines();
    assertEquals(1, lines.size(), result.toString());
    return lines.get(0);
  }

  private int memberIndex(String name) {
    for (int i = 0; i < cluster.size(); i++) {
      if (cluster.memberName(i).equals(name)) {
        return i;
      }
    }
    return fail("no member named " + name);
  }

  /**
   * A watch without --rev starts at whatever revision is current when the server registers it, which the
   * client never sees. Put a fresh value under the watched prefix until the watch prints it; since events
   * arrive in revision order, every earlier sync event has then been consumed too.
   */
  private void awaitWatching(Etcdctl.Background watch, String syncKey) {
    for (int attempt = 1; attempt <= 30; attempt++) {
      String value = "sync-" + attempt;
      etcdctl.run("put", syncKey, value).assertSuccess();
      if (watch.skipPast(value, Duration.ofSeconds(1))) {
        return;
      }
    }
    fail("the watch never reported puts to " + syncKey);
  }

  private static List<String> concat(List<String> first, List<String> second) {
    List<String> all = new ArrayList<>(first);
    all.addAll(second);
    return all;
  }
}
