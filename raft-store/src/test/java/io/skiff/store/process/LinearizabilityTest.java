package io.skiff.store.process;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.skiff.store.linearizability.CheckResult;
import io.skiff.store.linearizability.CheckResult.Verdict;
import io.skiff.store.linearizability.History;
import io.skiff.store.linearizability.LinearizabilityChecker;
import io.skiff.store.linearizability.Operation;
import io.skiff.store.linearizability.Operation.Kind;
import io.skiff.store.linearizability.Operation.Outcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
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
 * Linearizable reads, puts and compare-and-swaps on a few keys from concurrent clients, while the leader is
 * killed -9 and restarted, must form a linearizable history of registers. Calls cut off by the kill are
 * UNKNOWN: they may take effect at any later time, or never.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class LinearizabilityTest {

  private static final Logger log = LoggerFactory.getLogger(LinearizabilityTest.class);
  private static final List<String> KEYS = List.of("lin/a", "lin/b", "lin/c");
  private static final int CLIENTS = 8;
  private static final int LEADER_KILLS = 2;
  private static final Duration CALL_DEADLINE = Duration.ofSeconds(2);
  /** More time than the default: the search shares two cores with whatever else runs. */
  private static final LinearizabilityChecker CHECKER =
      new LinearizabilityChecker(Duration.ofSeconds(30), LinearizabilityChecker.DEFAULT_MAX_CONFIGURATIONS_PER_KEY);

  @Test
  void historyThroughLeaderKillsIsLinearizable() throws Exception {
    try (StoreCluster cluster = new SkiffStoreProcesses();
        KvClients clients = new KvClients(cluster.clientEndpoints(), CALL_DEADLINE)) {
      try {
        cluster.start();
        List<Operation> history = runThroughLeaderKills(cluster, clients).operations();
        log.info("{} operations: {}", history.size(), history.stream().collect(Collectors.groupingBy(
            op -> op.kind() + " " + op.outcome(), TreeMap::new, Collectors.counting())));

        CheckResult result = CHECKER.check(history);
        log.info("verdict: {}", result);
        assertEquals(Verdict.LINEARIZABLE, result.verdict(), result::toString);

        // The check can fail: the same history with one read answering a value nobody wrote must not pass.
        CheckResult corrupted = CHECKER.check(withReadOfNeverWrittenValue(history));
        log.info("verdict on a corrupted copy: {}", corrupted);
        assertEquals(Verdict.NOT_LINEARIZABLE, corrupted.verdict(), corrupted::toString);
      } catch (Throwable t) {
        t.addSuppressed(new AssertionError("member logs kept in "
            + MemberLogs.keep(cluster, "LinearizabilityTest")));
        throw t;
      }
    }
  }

  /** Runs the clients, killing the leader and restarting it {@link #LEADER_KILLS} times. */
  private static History runThroughLeaderKills(StoreCluster cluster, KvClients clients) throws Exception {
    History history = new History();
    AtomicBoolean stop = new AtomicBoolean();
    List<RegisterClient> workers = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
    List<Future<?>> running = new ArrayList<>();
    try {
      for (int i = 0; i < CLIENTS; i++) {
        RegisterClient client = new RegisterClient(i, clients, KEYS, stop, history, 1000L + i);
        workers.add(client);
        running.add(pool.submit(client));
      }
      awaitProgress(workers, 100, Duration.ofSeconds(1));
      for (int kill = 0; kill < LEADER_KILLS; kill++) {
        int leader = cluster.leaderIndex();
        log.info("killing leader {}", cluster.memberName(leader));
        cluster.kill(leader);
        awaitProgress(workers, 100, Duration.ofSeconds(2));
        cluster.restart(leader);
        clients.reconnect(leader);
        log.info("{} restarted", cluster.memberName(leader));
        awaitProgress(workers, 100, Duration.ofSeconds(1));
      }
    } finally {
      stop.set(true);
      for (Future<?> f : running) {
        f.get(30, TimeUnit.SECONDS);
      }
      pool.shutdown();
    }
    return history;
  }

  /** A copy of {@code history} where the middle read that saw a value instead sees one never written. */
  private static List<Operation> withReadOfNeverWrittenValue(List<Operation> history) {
    List<Integer> reads = IntStream.range(0, history.size())
        .filter(i -> history.get(i).kind() == Kind.READ && history.get(i).outcome() == Outcome.OK
            && history.get(i).observed() != null)
        .boxed()
        .toList();
    assertFalse(reads.isEmpty(), "no read saw a value");
    int victim = reads.get(reads.size() / 2);
    List<Operation> copy = new ArrayList<>(history);
    copy.set(victim, history.get(victim).withObserved("never-written"));
    return copy;
  }

  /** Lets the clients run for at least {@code atLeast} and until {@code count} more calls were answered. */
  private static void awaitProgress(List<RegisterClient> workers, int count, Duration atLeast) {
    int target = answered(workers) + count;
    await(count + " more calls answered")
        .pollDelay(atLeast)
        .pollInterval(Duration.ofMillis(100))
        .atMost(atLeast.plus(Duration.ofSeconds(30)))
        .until(() -> answered(workers) >= target);
  }

  private static int answered(List<RegisterClient> workers) {
    return workers.stream().mapToInt(RegisterClient::answered).sum();
  }
}
