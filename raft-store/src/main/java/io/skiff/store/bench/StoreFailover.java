package io.skiff.store.bench;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.skiff.proto.etcd.KVGrpc;
import io.skiff.proto.etcd.PutRequest;
import io.skiff.store.bench.BenchOptions.Endpoint;
import io.skiff.store.bench.BenchOptions.UsageException;
import io.skiff.store.bench.StoreBenchmark.MemberStatus;
import io.skiff.store.bench.StoreBenchmark.SetupException;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

/**
 * One round of a Raft leader's failover, with one client for etcd and Skiff's store alike: find the
 * leader (Maintenance.Status), run a {@link PutStream} through the other members, SIGKILL the
 * leader's process, and measure from the kill to (a) the first acknowledged put sent after it and
 * (b) the first Maintenance.Status of a survivor that names a new leader. Restarting the killed
 * member is the caller's (scripts/bench-failover.sh). See {@link FailoverOptions#USAGE}.
 */
final class StoreFailover {

  /** Between two Maintenance.Status of one survivor while waiting for a new leader. */
  private static final long POLL_MS = 10;
  private static final long POLL_TIMEOUT_MS = 500;

  private final FailoverOptions o;
  private final Map<Endpoint, ManagedChannel> channels = new LinkedHashMap<>();

  private StoreFailover(FailoverOptions options) {
    this.o = options;
  }

  /** Runs one round with the command line {@code args}; returns the exit status. */
  static int main(String[] args) {
    FailoverOptions options;
    try {
      options = FailoverOptions.parse(args);
    } catch (UsageException e) {
      if (e.getMessage().isEmpty()) {
        System.out.print(FailoverOptions.USAGE);
        return StoreBenchmark.EXIT_OK;
      }
      System.err.println("StoreBenchmark failover: " + e.getMessage() + " (see --help)");
      return StoreBenchmark.EXIT_SETUP;
    }
    StoreFailover failover = new StoreFailover(options);
    try {
      return failover.run();
    } catch (SetupException e) {
      System.err.println("StoreBenchmark failover: setup failed: " + e.getMessage());
      return StoreBenchmark.EXIT_SETUP;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return StoreBenchmark.EXIT_STUCK;
    } finally {
      failover.channels.values().forEach(ManagedChannel::shutdownNow);
    }
  }

  private int run() throws SetupException, InterruptedException {
    long deadline = System.nanoTime() + (long) (o.maxSeconds * 1e9);
    Map<Endpoint, MemberStatus> members = awaitOneLeader(deadline);
    MemberStatus leader = members.values().stream().filter(MemberStatus::isLeader).findFirst().orElseThrow();
    ProcessHandle process = processOf(leader.endpoint());
    for (Endpoint e : o.endpoints) {
      if (!e.equals(leader.endpoint())) {
        channels.put(e, StoreBenchmark.channel(e));
      }
    }
    StoreBenchmark.awaitReady(List.copyOf(channels.values()), deadline);
    String keyPrefix = "failover/" + o.label + "/r" + o.round + "/";
    probe(keyPrefix);
    try (PutStream stream = new PutStream(channels, keyPrefix, o.intervalMs, o.timeoutMs)) {
      stream.start();
      TimeUnit.MILLISECONDS.sleep(o.leadInMs);
      long failedBefore = stream.failedSoFar();
      if (failedBefore > 0) {
        throw new SetupException(failedBefore + " puts of the stream failed before the kill");
      }
      return killAndMeasure(stream, members, leader, process, deadline);
    }
  }

  /** Kills the leader while {@code stream} runs, waits for the first acknowledgement and a new leader, reports. */
  private int killAndMeasure(PutStream stream, Map<Endpoint, MemberStatus> members, MemberStatus leader,
      ProcessHandle process, long deadline) throws SetupException, InterruptedException {
    NewLeaderWatch newLeader = new NewLeaderWatch(leader.memberId(), members);
    long killedAt = kill(process, leader.endpoint());
    LocalTime killedClock = LocalTime.now();  // to find the kill in the members' logs
    stream.watchFrom(killedAt);
    newLeader.start();
    PutStream.Answer ack = stream.awaitFirstAck(deadline);
    stream.stop();
    MemberStatus elected = newLeader.await(ack == null ? System.nanoTime() : deadline);
    if (ack == null) {
      System.err.printf(Locale.ROOT, "[%s] round %d: no put sent after the kill of %s was acknowledged within %.0f s%n",
          o.label, o.round, leader.endpoint(), o.maxSeconds);
      return StoreBenchmark.EXIT_STUCK;
    }
    List<PutStream.Put> window = stream.sentBetween(killedAt, ack.at());
    List<PutStream.Answer> answers = stream.answersTo(window, System.nanoTime() + (o.timeoutMs + 2_000) * 1_000_000);
    String electedName = elected == null ? "-" : newLeader.endpointOf(elected.leader());
    String leaderMs = elected == null ? "-" : String.format(Locale.ROOT, "%.1f", (newLeader.seenAt() - killedAt) / 1e6);
    report(leader, process.pid(), killedClock, killedAt, ack, electedName, leaderMs, window, answers);
    return StoreBenchmark.EXIT_OK;
  }

  /**
   * Asks every member for Maintenance.Status until all answer and agree on one leader, which is
   * one of them; returns their statuses by endpoint.
   */
  private Map<Endpoint, MemberStatus> awaitOneLeader(long deadline) throws SetupException, InterruptedException {
    Map<Endpoint, MemberStatus> statuses = new LinkedHashMap<>();
    while (true) {
      for (Endpoint e : o.endpoints) {
        statuses.put(e, StoreBenchmark.status(e));
      }
      boolean allAnswered = statuses.values().stream().allMatch(s -> s.error() == null);
      long leaders = statuses.values().stream().filter(MemberStatus::isLeader).count();
      long views = statuses.values().stream().map(MemberStatus::leader).distinct().count();
      if (allAnswered && leaders == 1 && views == 1) {
        return statuses;
      }
      if (System.nanoTime() - deadline >= 0) {
        throw new SetupException("the members did not all answer and agree on one leader within "
            + o.maxSeconds + " s:" + statuses.values().stream().map(s -> "\n  " + s).collect(Collectors.joining()));
      }
      TimeUnit.MILLISECONDS.sleep(200);
    }
  }

  /** The live process the script named for {@code endpoint}; its command line must mention the port. */
  private ProcessHandle processOf(Endpoint endpoint) throws SetupException {
    long pid = o.pids.get(endpoint);
    ProcessHandle process = ProcessHandle.of(pid).filter(ProcessHandle::isAlive).orElseThrow(() ->
        new SetupException("the process of the leader " + endpoint + " (pid " + pid + ") is not running"));
    String command = process.info().commandLine().orElse("");
    if (!command.contains(":" + endpoint.port())) {
      throw new SetupException("pid " + pid + " does not look like the server of " + endpoint
          + " (its command line does not mention port " + endpoint.port() + "): " + command);
    }
    return process;
  }

  /** One put through each survivor, so that every channel is proven to take writes before the kill. */
  private void probe(String keyPrefix) throws SetupException {
    for (Map.Entry<Endpoint, ManagedChannel> member : channels.entrySet()) {
      try {
        KVGrpc.newBlockingStub(member.getValue()).withDeadlineAfter(o.timeoutMs, TimeUnit.MILLISECONDS)
            .put(PutRequest.newBuilder().setKey(ByteString.copyFromUtf8(keyPrefix + "probe-" + member.getKey()))
                .setValue(ByteString.copyFromUtf8("probe")).build());
      } catch (StatusRuntimeException e) {
        throw new SetupException("a put through " + member.getKey() + " before the kill failed: "
            + StoreBenchmark.describe(e.getStatus()));
      }
    }
  }

  /** Sends SIGKILL; returns when (nanoTime) it was sent. */
  private static long kill(ProcessHandle process, Endpoint endpoint) throws SetupException {
    if (!process.destroyForcibly()) {
      throw new SetupException("could not send SIGKILL to pid " + process.pid() + " (" + endpoint + ")");
    }
    return System.nanoTime();
  }

  /**
   * Polls every survivor's Maintenance.Status, each from a thread of its own, until one names a
   * leader other than the killed one; notes when.
   */
  private final class NewLeaderWatch {
    private final long oldLeader;
    private final Map<Long, Endpoint> endpointsById = new TreeMap<>();
    private final AtomicReference<MemberStatus> found = new AtomicReference<>();
    private final CountDownLatch done = new CountDownLatch(1);
    private final List<Thread> threads = new ArrayList<>();
    private volatile long seenAt;

    NewLeaderWatch(long oldLeader, Map<Endpoint, MemberStatus> members) {
      this.oldLeader = oldLeader;
      members.values().forEach(s -> endpointsById.put(s.memberId(), s.endpoint()));
    }

    void start() {
      for (Map.Entry<Endpoint, ManagedChannel> member : channels.entrySet()) {
        Thread t = new Thread(() -> poll(member.getKey(), member.getValue()), "leader-watch-" + member.getKey());
        t.setDaemon(true);
        threads.add(t);
        t.start();
      }
    }

    private void poll(Endpoint e, ManagedChannel ch) {
      while (found.get() == null) {
        MemberStatus s = StoreBenchmark.status(e, ch, POLL_TIMEOUT_MS);
        if (s.error() == null && s.leader() != 0 && s.leader() != oldLeader) {
          long now = System.nanoTime();
          if (found.compareAndSet(null, s)) {
            seenAt = now;
            done.countDown();
          }
          return;
        }
        try {
          TimeUnit.MILLISECONDS.sleep(POLL_MS);
        } catch (InterruptedException ex) {
          return;  // the round is over
        }
      }
    }

    /** The status that named the new leader, or null if none did by the deadline. */
    MemberStatus await(long deadline) throws InterruptedException {
      try {
        done.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        return found.get();
      } finally {
        threads.forEach(Thread::interrupt);
      }
    }

    long seenAt() {
      return seenAt;
    }

    String endpointOf(long memberId) {
      Endpoint e = endpointsById.get(memberId);
      return e != null ? e.toString() : Long.toHexString(memberId);
    }
  }

  private void report(MemberStatus leader, long pid, LocalTime killedClock, long killedAt, PutStream.Answer ack,
      String newLeader, String leaderMs, List<PutStream.Put> window, List<PutStream.Answer> answers) {
    double writeMs = (ack.at() - killedAt) / 1e6;
    double ackLatencyMs = (ack.at() - ack.put().sentAt()) / 1e6;
    long failed = answers.stream().filter(a -> !a.ok()).count();
    long unanswered = window.size() - answers.size();
    Map<String, Long> byCode = new TreeMap<>();
    answers.stream().filter(a -> !a.ok()).forEach(a -> byCode.merge(a.error().name(), 1L, Long::sum));
    System.out.printf(Locale.ROOT, "[%s] round %d: killed the leader %s (pid %d) at %s: new leader %s seen after %s ms;"
            + " first put acknowledged after %.1f ms (put %d, sent %.1f ms after the kill through %s, answered in %.1f ms);"
            + " of the %d puts sent before it, %d failed %s%s%n",
        o.label, o.round, leader.endpoint(), pid, killedClock, newLeader, leaderMs, writeMs, ack.put().index(),
        (ack.put().sentAt() - killedAt) / 1e6, ack.put().via(), ackLatencyMs, window.size(), failed, byCode,
        unanswered > 0 ? ", " + unanswered + " unanswered" : "");
    System.out.printf(Locale.ROOT, "RESULT label=%s round=%d killed=%s write_ms=%.1f leader_ms=%s sent=%d failed=%d"
            + " unanswered=%d via=%s ack_latency_ms=%.1f new_leader=%s%n",
        o.label, o.round, leader.endpoint(), writeMs, leaderMs, window.size(), failed, unanswered, ack.put().via(),
        ackLatencyMs, newLeader);
    System.out.flush();
  }
}
