package io.skiff.controlplane.bench;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.skiff.api.v1.ClusterGrpc;
import io.skiff.api.v1.GetRequest;
import io.skiff.api.v1.LeasesGrpc;
import io.skiff.api.v1.MembersRequest;
import io.skiff.api.v1.PodsGrpc;
import java.time.LocalTime;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * One round of the controller leader's failover, on three masters: find the master whose scheduler
 * and controllers run (the Lease skiff-system/skiff-controller-manager names it: its holder is
 * "&lt;master id&gt;-&lt;random&gt;"), kill it with SIGKILL, and measure from the kill to (a) the first write
 * the surviving masters acknowledge — a {@link WriteStream} of pod creates through them — and (b)
 * the new leader's first scheduling decision: one of those pods seen bound by a watch through a
 * survivor. Before the kill, a pod created through each master must get bound, so every master
 * serves and a leader schedules. Restarting the killed master is the caller's (scripts/bench-scheduler.sh).
 */
final class LeaderFailover {
  static final String NAMESPACE = "failover";
  private static final String LEASE_NAMESPACE = "skiff-system";
  private static final String LEASE_NAME = "skiff-controller-manager";
  /** What a read of the lease may meet while the masters settle (no lease yet, a master away): ask again. */
  private static final Set<Status.Code> PASSING = Set.of(Status.Code.UNAVAILABLE, Status.Code.NOT_FOUND,
      Status.Code.DEADLINE_EXCEEDED);

  private final Map<String, ManagedChannel> masters;
  private final Map<String, Long> pids;
  private final long timeoutMs;

  /**
   * @param masters a channel to each master's API, by master id
   * @param pids each master's process id, by master id
   */
  LeaderFailover(Map<String, ManagedChannel> masters, Map<String, Long> pids, long timeoutMs) {
    this.masters = masters;
    this.pids = pids;
    this.timeoutMs = timeoutMs;
  }

  /** Runs round {@code round}; prints its lines; false if it did not complete within {@code maxSeconds}. */
  boolean run(String label, int round, double maxSeconds) throws InterruptedException {
    Outcome o;
    try {
      o = measure(round, System.nanoTime() + (long) (maxSeconds * 1e9));
    } catch (RoundFailed e) {
      System.err.printf(Locale.ROOT, "[%s] round %d: %s (bound: %.0f s)%n", label, round, e.getMessage(), maxSeconds);
      return false;
    }
    WriteStream.Ack ack = o.writes.first();
    double writeMs = (ack.at() - o.killedAt) / 1e6;
    double bindMs = (o.boundAt - o.killedAt) / 1e6;
    System.out.printf(Locale.ROOT, "[%s] round %d: killed %s at %s (the controller leader; store leader %s): first write"
            + " acknowledged after %.0f ms (write %d of the stream, through %s; %d failed), the write sent at the kill"
            + " %s; first pod bound after %.0f ms; new leader %s%n", label, round, o.killed, o.killedClock, o.storeLeader,
        writeMs, ack.index(), ack.via(), o.writes.failed(), o.writes.firstWrite(), bindMs, o.newLeader);
    System.out.printf(Locale.ROOT, "RESULT label=%s round=%d killed=%s store_leader=%s write_ms=%.1f bind_ms=%.1f"
            + " new_leader=%s write_via=%s write_index=%d kill_write=%s%n", label, round, o.killed, o.storeLeader, writeMs,
        bindMs, o.newLeader, ack.via(), ack.index(), o.writes.firstWrite().compact());
    return true;
  }

  /** What a round saw; times are nanoTimes. */
  private record Outcome(String killed, String storeLeader, long killedAt, LocalTime killedClock,
      WriteStream.Outcome writes, long boundAt, String newLeader) {
  }

  /** A round that cannot go on, and why. */
  private static final class RoundFailed extends RuntimeException {
    RoundFailed(String message) {
      super(message);
    }
  }

  private Outcome measure(int round, long deadline) throws InterruptedException {
    String leader = leaderNow(deadline);
    Map<String, ManagedChannel> survivors = new TreeMap<>(masters);
    survivors.remove(leader);
    ManagedChannel observer = survivors.values().iterator().next();
    ApiConnections.ensureNamespace(observer, NAMESPACE, timeoutMs);
    String prefix = "r" + round + "-" + Long.toString(System.currentTimeMillis() % 1_000_000L, 36) + "-";
    String after = prefix + "after-";
    try (BindWatch watch = BindWatch.start(observer, NAMESPACE, timeoutMs)) {
      probe(watch, prefix + "probe-", deadline);
      if (!leader.equals(leaderNow(deadline))) {
        throw new RoundFailed("the leader changed from " + leader + " before the kill");
      }
      String storeLeader = ClusterGrpc.newBlockingStub(observer).withDeadlineAfter(timeoutMs, TimeUnit.MILLISECONDS)
          .members(MembersRequest.getDefaultInstance()).getLeader();
      long killedAt = kill(leader);
      LocalTime killedClock = LocalTime.now();  // to find the kill in the masters' logs
      WriteStream.Outcome writes = new WriteStream(survivors, NAMESPACE, after).run(killedAt, deadline);
      if (writes == null) {
        throw new RoundFailed("after killing " + leader + ", no write was acknowledged");
      }
      if (!watch.awaitBound(name -> name.startsWith(after), deadline)) {
        throw new RoundFailed("after killing " + leader + ", no pod created since was bound");
      }
      return new Outcome(leader, storeLeader.isEmpty() ? "-" : storeLeader, killedAt, killedClock, writes,
          watch.firstBound(name -> name.startsWith(after)).orElseThrow(), leaderNow(deadline));
    }
  }

  /** The id of the master whose controllers lead, from the lease, asked through any master. */
  private String leaderNow(long deadline) throws InterruptedException {
    while (System.nanoTime() - deadline < 0) {
      for (Map.Entry<String, ManagedChannel> master : masters.entrySet()) {
        try {
          String holder = LeasesGrpc.newBlockingStub(master.getValue())
              .withDeadlineAfter(timeoutMs, TimeUnit.MILLISECONDS)
              .get(GetRequest.newBuilder().setNamespace(LEASE_NAMESPACE).setName(LEASE_NAME).build())
              .getSpec().getHolderIdentity();
          String id = holder.contains("-") ? holder.substring(0, holder.indexOf('-')) : holder;
          if (pids.containsKey(id)) {
            return id;
          }
          break;  // no holder yet, or one we do not know: ask again in a moment
        } catch (StatusRuntimeException e) {
          if (!PASSING.contains(e.getStatus().getCode())) {
            throw e;
          }
        }
      }
      TimeUnit.MILLISECONDS.sleep(100);
    }
    throw new RoundFailed("no controller leader among " + pids.keySet());
  }

  /** Creates a pod through every master and waits until all are bound. */
  private void probe(BindWatch watch, String prefix, long deadline) throws InterruptedException {
    for (Map.Entry<String, ManagedChannel> master : masters.entrySet()) {
      PodsGrpc.newBlockingStub(master.getValue()).withDeadlineAfter(timeoutMs, TimeUnit.MILLISECONDS)
          .create(BenchPods.small(NAMESPACE, prefix + master.getKey()));
    }
    for (String id : masters.keySet()) {
      if (!watch.awaitBound(name -> name.equals(prefix + id), deadline)) {
        throw new RoundFailed("the pod created through " + id + " before the kill was not bound");
      }
    }
  }

  /** Sends SIGKILL to the master; returns when (nanoTime) the signal was sent. */
  private long kill(String id) {
    long pid = pids.get(id);
    ProcessHandle process = ProcessHandle.of(pid).orElseThrow(() ->
        new IllegalStateException("master " + id + " (pid " + pid + ") is not running"));
    String command = process.info().commandLine().orElse("");
    if (!command.contains("--id " + id + " ")) {
      throw new IllegalStateException("pid " + pid + " is not master " + id + ": " + command);
    }
    process.destroyForcibly();
    return System.nanoTime();
  }
}
