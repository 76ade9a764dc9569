package io.skiff.store.process;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.StatusRuntimeException;
import io.skiff.proto.etcd.PutRequest;
import io.skiff.proto.etcd.PutResponse;
import io.skiff.proto.etcd.RangeResponse;
import io.skiff.proto.mvcc.KeyValue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Acknowledged writes survive a SIGKILLed leader and a full-cluster restart: concurrent writers put unique
 * keys while the leader is killed and brought back, then every member, read linearizably and serializably,
 * must hold each acknowledged put exactly once at the revision its acknowledgment named.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class CrashSafetyTest {

  private static final Logger log = LoggerFactory.getLogger(CrashSafetyTest.class);
  private static final String PREFIX = "crash/";
  private static final int WRITERS = 8;
  private static final Duration CALL_DEADLINE = Duration.ofSeconds(2);
  private static final Duration CATCH_UP = Duration.ofSeconds(30);

  /** A put the store acknowledged, with the revision its response header named. */
  record Ack(String key, String value, long revision) { }

  /** Puts unique keys {@code crash/<id>/<seq>} until stopped, moving to the next member after a failure. */
  static final class Writer implements Runnable {
    final int id;
    final KvClients clients;
    final AtomicBoolean stop;
    /** In acknowledgment order. */
    final List<Ack> acked = new ArrayList<>();
    /** Every put sent, acknowledged or not: key to value. */
    final Map<String, String> sent = new HashMap<>();
    volatile int ackCount;
    int unknown;

    Writer(int id, KvClients clients, AtomicBoolean stop) {
      this.id = id;
      this.clients = clients;
      this.stop = stop;
    }

    @Override
    public void run() {
      int member = id % clients.size();
      for (int seq = 0; !stop.get(); seq++) {
        String key = PREFIX + id + "/" + seq;
        String value = "w" + id + "-" + seq;
        sent.put(key, value);
        try {
          PutResponse response = clients.kv(member).put(PutRequest.newBuilder()
              .setKey(KvClients.bytes(key)).setValue(KvClients.bytes(value)).build());
          acked.add(new Ack(key, value, response.getHeader().getRevision()));
          ackCount = acked.size();
        } catch (StatusRuntimeException e) {
          // timeout, unavailable, connection lost: the put may or may not have happened
          unknown++;
          member = (member + 1) % clients.size();
        }
      }
    }
  }

  @Test
  void acknowledgedPutsSurviveLeaderKillAndFullRestart() throws Exception {
    try (StoreCluster cluster = new SkiffStoreProcesses();
        KvClients clients = new KvClients(cluster.clientEndpoints(), CALL_DEADLINE)) {
      try {
        cluster.start();
        Expectations expected = new Expectations(writeThroughLeaderKill(cluster, clients));
        long revision = checkEveryMember(cluster, clients, expected, "after the leader kill", 0);

        stopAll(cluster);
        cluster.start();
        clients.reconnectAll();
        checkEveryMember(cluster, clients, expected, "after a full-cluster restart", revision);
      } catch (Throwable t) {
        t.addSuppressed(new AssertionError("member logs kept in " + MemberLogs.keep(cluster, "CrashSafetyTest")));
        throw t;
      }
    }
  }

  /**
   * Runs the writers until some puts are acknowledged, kills the leader, writes on for a few seconds
   * against the survivors, restarts the killed member and writes a little more.
   */
  private static List<Writer> writeThroughLeaderKill(StoreCluster cluster, KvClients clients)
      throws Exception {
    AtomicBoolean stop = new AtomicBoolean();
    List<Writer> writers = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
    List<Future<?>> running = new ArrayList<>();
    try {
      for (int i = 0; i < WRITERS; i++) {
        Writer writer = new Writer(i, clients, stop);
        writers.add(writer);
        running.add(pool.submit(writer));
      }
      awaitAcks(writers, 100, Duration.ZERO);
      int leader = cluster.leaderIndex();
      log.info("killing leader {} after {} acks", cluster.memberName(leader), acks(writers));
      cluster.kill(leader);
      awaitAcks(writers, acks(writers) + 200, Duration.ofSeconds(3));
      log.info("restarting {} after {} acks", cluster.memberName(leader), acks(writers));
      cluster.restart(leader);
      clients.reconnect(leader);
      awaitAcks(writers, acks(writers) + 100, Duration.ofSeconds(1));
    } finally {
      stop.set(true);
      for (Future<?> f : running) {
        f.get(30, TimeUnit.SECONDS);
      }
      pool.shutdown();
    }
    log.info("{} puts acknowledged, {} unknown", acks(writers), writers.stream().mapToInt(w -> w.unknown).sum());
    return writers;
  }

  /** SIGTERMs all members at once (one after another would take a second or two each). */
  private static void stopAll(StoreCluster cluster) {
    CompletableFuture.allOf(IntStream.range(0, cluster.size())
            .mapToObj(i -> CompletableFuture.runAsync(() -> cluster.stop(i), runnable -> new Thread(runnable).start()))
            .toArray(CompletableFuture[]::new))
        .join();
  }

  private static int acks(List<Writer> writers) {
    return writers.stream().mapToInt(w -> w.ackCount).sum();
  }

  /** Writes go on for at least {@code atLeast} and until {@code count} puts were acknowledged in all. */
  private static void awaitAcks(List<Writer> writers, int count, Duration atLeast) {
    await("" + count + " acknowledged puts")
        .pollDelay(atLeast)
        .pollInterval(Duration.ofMillis(100))
        .atMost(atLeast.plus(Duration.ofSeconds(30)))
        .until(() -> acks(writers) >= count);
  }

  /** What the writers were told, merged: the store must agree with it. */
  static final class Expectations {
    final Map<String, Ack> acked = new HashMap<>();
    final Map<String, String> sent = new HashMap<>();
    final List<String> orderProblems = new ArrayList<>();

    Expectations(List<Writer> writers) {
      for (Writer w : writers) {
        sent.putAll(w.sent);
        long last = 0;
        for (Ack ack : w.acked) {
          acked.put(ack.key(), ack);
          if (ack.revision() <= last) {
            orderProblems.add("writer " + w.id + " was acknowledged " + ack + " after revision " + last);
          }
          last = ack.revision();
        }
      }
    }
  }

  /**
   * Reads every key from each member, linearizably and serializably (once that member has applied up to the
   * cluster's current revision), checks each read against what was acknowledged, and checks all reads agree.
   * Returns the revision the reads were caught up to.
   */
  private static long checkEveryMember(StoreCluster cluster, KvClients clients, Expectations expected,
      String when, long atLeastRevision) {
    long revision = await("a linearizable read " + when)
        .atMost(CATCH_UP)
        .pollInterval(Duration.ofMillis(200))
        .ignoreExceptionsInstanceOf(StatusRuntimeException.class)
        .until(() -> clients.kv(0).range(KvClients.prefix(PREFIX, false)).getHeader().getRevision(),
            r -> r >= atLeastRevision);
    List<String> problems = new ArrayList<>(expected.orderProblems);
    Map<String, KeyValue> reference = null;
    String referenceName = null;
    for (int member = 0; member < cluster.size(); member++) {
      for (boolean serializable : new boolean[] {false, true}) {
        String name = cluster.memberName(member) + (serializable ? " serializable" : " linearizable");
        int m = member;
        RangeResponse read = await(name + " read caught up to revision " + revision + " " + when)
            .atMost(CATCH_UP)
            .pollInterval(Duration.ofMillis(200))
            .ignoreExceptionsInstanceOf(StatusRuntimeException.class)
            .until(() -> clients.kv(m).range(KvClients.prefix(PREFIX, serializable)),
                r -> r.getHeader().getRevision() >= revision);
        Map<String, KeyValue> upToRevision = check(read.getKvsList(), expected, name, problems).entrySet()
            .stream()
            .filter(e -> e.getValue().getModRevision() <= revision)
            .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        if (reference == null) {
          reference = upToRevision;
          referenceName = name;
        } else if (!reference.equals(upToRevision)) {
          problems.add(name + " and " + referenceName + " differ up to revision " + revision);
        }
      }
    }
    assertTrue(problems.isEmpty(), problems.size() + " problems " + when + ", the first ones:\n"
        + problems.stream().limit(30).collect(Collectors.joining("\n")));
    log.info("every member holds all {} acknowledged puts {} (revision {})", expected.acked.size(), when,
        revision);
    return revision;
  }

  /** Checks one member's read of every key; returns it by key. */
  private static Map<String, KeyValue> check(List<KeyValue> kvs, Expectations expected, String member,
      List<String> problems) {
    Map<String, KeyValue> byKey = new HashMap<>();
    Set<Long> revisions = new HashSet<>();
    for (KeyValue kv : kvs) {
      String key = kv.getKey().toStringUtf8();
      String value = kv.getValue().toStringUtf8();
      if (byKey.put(key, kv) != null) {
        problems.add(member + " returned " + key + " twice");
      }
      if (!revisions.add(kv.getModRevision())) {
        problems.add(member + ": " + key + " shares mod_revision " + kv.getModRevision() + " with another key");
      }
      // each key was put once; a put applied twice would show as version 2
      if (kv.getVersion() != 1 || kv.getCreateRevision() != kv.getModRevision()) {
        problems.add(member + ": " + key + " written more than once: " + describe(kv));
      }
      if (!value.equals(expected.sent.get(key))) {
        problems.add(member + ": " + key + " was never put with that value: " + describe(kv));
      }
      Ack ack = expected.acked.get(key);
      if (ack != null && ack.revision() != kv.getModRevision()) {
        problems.add(member + ": " + key + " acknowledged at revision " + ack.revision() + " but stored as "
            + describe(kv));
      }
    }
    for (Ack ack : expected.acked.values()) {
      if (!byKey.containsKey(ack.key())) {
        problems.add(member + ": acknowledged " + ack + " is missing");
      }
    }
    return byKey;
  }

  private static String describe(KeyValue kv) {
    return kv.getKey().toStringUtf8() + "=" + kv.getValue().toStringUtf8() + " create_revision "
        + kv.getCreateRevision() + " mod_revision " + kv.getModRevision() + " version " + kv.getVersion();
  }
}
