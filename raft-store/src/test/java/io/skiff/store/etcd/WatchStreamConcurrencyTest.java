package io.skiff.store.etcd;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.skiff.proto.etcd.KVGrpc;
import io.skiff.proto.etcd.PutRequest;
import io.skiff.proto.etcd.RangeRequest;
import io.skiff.proto.etcd.WatchCancelRequest;
import io.skiff.proto.etcd.WatchCreateRequest;
import io.skiff.proto.etcd.WatchGrpc;
import io.skiff.proto.etcd.WatchProgressRequest;
import io.skiff.proto.etcd.WatchRequest;
import io.skiff.proto.etcd.WatchResponse;
import io.skiff.proto.mvcc.Event;
import io.skiff.proto.mvcc.KeyValue;
import io.skiff.store.mvcc.KeyRange;
import io.skiff.store.raft.StorePeer;
import java.io.IOException;
import java.lang.management.LockInfo;
import java.lang.management.ManagementFactory;
import java.lang.management.MonitorInfo;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Watch streams under concurrent churn, against one real single-peer store behind its etcd
 * endpoint on Netty (set up as {@link EtcdApiBadInputTest} does). For a few seconds, writers put
 * keys under a prefix while clients, each on its own Watch stream, create watches (from a past
 * revision or from now, some with prev_kv), cancel them and ask for progress; one long-lived
 * watcher follows the prefix from revision 1. The watch path takes the store's lock, then the
 * hub's, then a stream's: breaking that order deadlocks the apply thread against a stream, which
 * shows here as threads that never finish (the failure carries a dump of every thread's stack).
 *
 * <p>Every revision written during the run is a put under the prefix, so every watch on the
 * prefix must see contiguous revisions from where it started (its start_revision, or the created
 * answer's header revision + 1 as in etcd) until it is canceled or the run ends: a gap is a lost
 * event, a repeat a duplicate one.
 */
@Timeout(120)
class WatchStreamConcurrencyTest {
  private static final String PREFIX = "stress/";
  private static final Duration CHURN = Duration.ofSeconds(6);
  private static final int WRITERS = 3;
  private static final int CLIENTS = 5;
  /** Watches a client keeps open at once, and requests it keeps unanswered at once. */
  private static final int MAX_ACTIVE_WATCHES = 5;
  private static final int MAX_OUTSTANDING = 4;
  private static final long WAIT_SECONDS = 15;
  private static final long JOIN_SECONDS = 30;

  private SinglePeerEndpoint endpoint;
  private StorePeer peer;
  private ManagedChannel channel;

  /** The store's revision before the run: every revision after it is one acknowledged put. */
  private long baseRevision;
  private final Queue<Put> acknowledged = new ConcurrentLinkedQueue<>();
  private final AtomicLong lastAcknowledged = new AtomicLong();
  private final AtomicBoolean stop = new AtomicBoolean();
  /** The last revision written, once every writer has stopped. */
  private final CompletableFuture<Long> finalRevision = new CompletableFuture<>();

  private record Put(String key, long revision) {
  }

  @BeforeEach
  void startPeerAndEndpoint() throws IOException {
    endpoint = SinglePeerEndpoint.start("watchstress");
    peer = endpoint.peer;
    channel = endpoint.channel;
  }

  @AfterEach
  void stopPeer() throws Exception {
    if (endpoint != null) {
      endpoint.close();
    }
  }

  @Test
  void watchChurnDuringWritesNeitherDeadlocksNorLosesNorRepeatsEvents() throws Exception {
    baseRevision = revision();
    ExecutorService pool = Executors.newFixedThreadPool(WRITERS + CLIENTS, r -> {
      Thread t = new Thread(r, "watchstress-client");
      t.setDaemon(true);
      return t;
    });
    ExecutorCompletionService<String> done = new ExecutorCompletionService<>(pool);
    Map<String, Future<String>> tasks = new LinkedHashMap<>();
    LongLivedWatcher longLived = null;
    long started = System.nanoTime();
    try {
      for (int i = 0; i < WRITERS; i++) {
        int writer = i;
        tasks.put("writer " + i, done.submit(() -> write(writer)));
      }
      // from revision 1 while writes go on: it starts behind and catches up from history
      await().atMost(Duration.ofSeconds(WAIT_SECONDS)).until(() -> lastAcknowledged.get() >= baseRevision + 20);
      longLived = new LongLivedWatcher();
      for (int i = 0; i < CLIENTS; i++) {
        Churner churner = new Churner(i);
        tasks.put("client " + i, done.submit(churner::run));
      }

      // run for a while (less if a task ends early: it failed), then stop the churn
      done.poll(Math.max(0, started + CHURN.toNanos() - System.nanoTime()), TimeUnit.NANOSECONDS);
      List<String> failures = new ArrayList<>();
      List<Throwable> causes = new ArrayList<>();
      stop.set(true);
      Map<String, String> results = new LinkedHashMap<>();
      long joinDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(JOIN_SECONDS);
      for (Map.Entry<String, Future<String>> task : tasks.entrySet()) {
        if (task.getKey().startsWith("client") && !finalRevision.isDone()) {
          finalRevision.complete(lastAcknowledged.get()); // every writer has been joined
        }
        try {
          results.put(task.getKey(), task.getValue().get(Math.max(0, joinDeadline - System.nanoTime()), TimeUnit.NANOSECONDS));
        } catch (TimeoutException e) {
          failures.add(task.getKey() + " did not finish within " + JOIN_SECONDS + " s");
        } catch (ExecutionException e) {
          failures.add(task.getKey() + " failed: " + e.getCause());
          causes.add(e.getCause());
        }
      }
      if (!failures.isEmpty()) {
        AssertionError error = new AssertionError(String.join("\n", failures) + "\n\n" + threadDump());
        causes.forEach(error::addSuppressed);
        throw error;
      }
      long last = finalRevision.join();
      System.out.printf("watch churn: %d puts (revisions %d..%d) in %d ms; %s%n", acknowledged.size(), baseRevision + 1,
          last, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), results);

      // the writers' acknowledgements account for every revision of the run, once each
      List<Put> puts = acknowledged.stream().sorted(Comparator.comparingLong(Put::revision)).toList();
      assertEquals(LongStream.rangeClosed(baseRevision + 1, last).boxed().toList(),
          puts.stream().map(Put::revision).toList(), "the run's revisions are exactly the acknowledged puts");

      // the long-lived watcher saw every acknowledged put exactly once, in revision order
      LongLivedWatcher watcher = longLived;
      try {
        await().atMost(Duration.ofSeconds(WAIT_SECONDS)).until(() -> watcher.lastRevision() >= last || watcher.ended.isDone());
      } catch (org.awaitility.core.ConditionTimeoutException e) {
        throw new AssertionError("the long-lived watcher stopped at revision " + watcher.lastRevision() + " of " + last
            + "\n\n" + threadDump(), e);
      }
      assertFalse(watcher.ended.isDone(), () -> "the long-lived watch stream ended: " + watcher.ended.join());
      assertEquals(List.of(), watcher.errors(), "the long-lived watcher's answers");
      List<Put> seen = watcher.events();
      assertEquals(puts, seen, "the long-lived watcher's events, in the order received");
      watcher.close();
    } finally {
      stop.set(true);
      finalRevision.complete(lastAcknowledged.get());
      pool.shutdownNow();
    }

    // the store still takes a write and a new watch, and no watcher was left behind
    try (WatchClient watch = new WatchClient(channel, Duration.ofSeconds(WAIT_SECONDS))) {
      long id = watch.create(WatchCreateRequest.newBuilder().setKey(bytes("after")).setPrevKv(true));
      long first = put("after", "one");
      long second = put("after", "two");
      List<Event> events = new ArrayList<>();
      while (events.size() < 2) {
        WatchResponse r = watch.next();
        assertEquals(id, r.getWatchId());
        events.addAll(r.getEventsList());
      }
      assertEquals(List.of(first, second), events.stream().map(e -> e.getKv().getModRevision()).toList());
      assertEquals("one", events.get(1).getPrevKv().getValue().toStringUtf8());
    }
    await().atMost(Duration.ofSeconds(WAIT_SECONDS)).until(() -> peer.watchers() == 0);
  }

  // ------------------------------------------------------------------ writers

  /** Puts under the prefix until told to stop; records each acknowledged (key, revision). */
  private String write(int writer) {
    int n = 0;
    while (!stop.get()) {
      String key = PREFIX + "w" + writer + "/k" + (n % 16);
      long rev = put(key, "v" + n);
      acknowledged.add(new Put(key, rev));
      lastAcknowledged.accumulateAndGet(rev, Math::max);
      n++;
    }
    return n + " puts";
  }

  // ------------------------------------------------------------------ churning clients

  /** One Watch stream on which watches come and go; checks every answer it gets. */
  private final class Churner {
    private final Random random;
    private final WatchClient stream = new WatchClient(channel, Duration.ofSeconds(WAIT_SECONDS));
    /** Watches whose created answer came, by id: the next revision each must deliver. */
    private final Map<Long, Active> active = new HashMap<>();
    /** Creates sent, answered in order: their start revision (0: from now). */
    private final ArrayDeque<WatchCreateRequest> pendingCreates = new ArrayDeque<>();
    /** Progress requests sent, answered in order: the revision acknowledged when each was sent. */
    private final ArrayDeque<Long> pendingProgress = new ArrayDeque<>();
    private int pendingCancels;
    private int created;
    private int canceled;
    private int progress;
    private long events;

    private final class Active {
      final WatchCreateRequest request;
      final long createdRevision;
      long next;
      boolean canceling;

      Active(WatchCreateRequest request, long createdRevision) {
        this.request = request;
        this.createdRevision = createdRevision;
        this.next = request.getStartRevision() > 0 ? request.getStartRevision() : createdRevision + 1;
      }

      @Override
      public String toString() {
        return (request.getStartRevision() > 0 ? "from revision " + request.getStartRevision() : "from now")
            + ", created at revision " + createdRevision + (request.getPrevKv() ? ", with prev_kv" : "");
      }
    }

    Churner(int no) {
      this.random = new Random(no * 7919L + 1);
    }

    String run() throws Exception {
      while (!stop.get()) {
        if (outstanding() < MAX_OUTSTANDING) {
          int op = random.nextInt(10);
          long cancelable = active.values().stream().filter(a -> !a.canceling).count();
          if (cancelable > 0 && (op < 3 || cancelable + pendingCreates.size() >= MAX_ACTIVE_WATCHES)) {
            cancelOne();
          } else if (op < 8) {
            create();
          } else {
            pendingProgress.add(lastAcknowledged.get());
            stream.send(WatchRequest.newBuilder().setProgressRequest(WatchProgressRequest.getDefaultInstance()).build());
          }
          WatchResponse r;
          while ((r = stream.received.poll()) != null) {
            handle(r);
          }
        } else {
          handle(stream.next());
        }
      }
      // the run is over: every answer comes, and every watch delivers up to the last revision
      long last = finalRevision.get(JOIN_SECONDS, TimeUnit.SECONDS);
      while (outstanding() > 0 || active.values().stream().anyMatch(a -> !a.canceling && a.next <= last)) {
        handle(stream.next());
      }
      stream.close();
      return created + " watches, " + canceled + " canceled, " + progress + " progress, " + events + " events";
    }

    private int outstanding() {
      return pendingCreates.size() + pendingProgress.size() + pendingCancels;
    }

    private void create() {
      WatchCreateRequest.Builder request = WatchCreateRequest.newBuilder()
          .setKey(bytes(PREFIX)).setRangeEnd(KeyRange.prefixEnd(bytes(PREFIX))).setPrevKv(random.nextBoolean());
      long last = lastAcknowledged.get();
      if (random.nextBoolean() && last > baseRevision) {
        // from the past, at most a few hundred revisions back, never before the run
        long from = Math.max(baseRevision + 1, last - 300);
        request.setStartRevision(from + random.nextInt((int) (last - from + 1)));
      }
      pendingCreates.add(request.build());
      stream.send(WatchRequest.newBuilder().setCreateRequest(request).build());
    }

    private void cancelOne() {
      List<Long> ids = active.entrySet().stream().filter(e -> !e.getValue().canceling).map(Map.Entry::getKey).toList();
      long id = ids.get(random.nextInt(ids.size()));
      active.get(id).canceling = true;
      pendingCancels++;
      stream.send(WatchRequest.newBuilder().setCancelRequest(WatchCancelRequest.newBuilder().setWatchId(id)).build());
    }

    private void handle(WatchResponse r) {
      long rev = r.getHeader().getRevision();
      if (r.getCreated()) {
        WatchCreateRequest request = pendingCreates.poll();
        assertNotNull(request, () -> "a created answer nobody asked for: " + r);
        assertFalse(r.getCanceled(), () -> "canceled at creation: " + r);
        assertFalse(active.containsKey(r.getWatchId()), () -> "a watch id in use came again: " + r);
        // from now means from the revision after the created answer's, as in etcd
        active.put(r.getWatchId(), new Active(request, rev));
        created++;
      } else if (r.getCanceled()) {
        Active a = active.remove(r.getWatchId());
        assertTrue(a != null && a.canceling, () -> "a cancel nobody asked for: " + r);
        pendingCancels--;
        canceled++;
      } else if (r.getWatchId() == -1 && r.getEventsCount() == 0) {
        Long floor = pendingProgress.poll();
        assertNotNull(floor, () -> "a progress answer nobody asked for: " + r);
        assertTrue(rev >= floor, () -> "progress at revision " + rev + " after revision " + floor + " was acknowledged");
        progress++;
      } else {
        Active a = active.get(r.getWatchId());
        assertNotNull(a, () -> "events for a watch that is not open: " + r.getWatchId() + " " + r);
        assertTrue(r.getEventsCount() > 0, () -> "an empty answer: " + r);
        for (Event e : r.getEventsList()) {
          KeyValue kv = e.getKv();
          long expected = a.next;
          assertEquals(expected, kv.getModRevision(), () -> "watch " + r.getWatchId() + " (" + a + ") expected revision " + expected
              + (kv.getModRevision() > expected ? " (lost events)" : " (a repeated event)") + ": " + r);
          assertEquals(Event.EventType.PUT, e.getType());
          assertTrue(kv.getKey().toStringUtf8().startsWith(PREFIX), () -> "outside the prefix: " + e);
          if (a.request.getPrevKv() && kv.getVersion() > 1) {
            KeyValue prev = e.getPrevKv();
            assertTrue(e.hasPrevKv() && prev.getKey().equals(kv.getKey()) && prev.getVersion() == kv.getVersion() - 1
                && prev.getModRevision() < kv.getModRevision(), () -> "wrong prev_kv: " + e);
          } else {
            assertFalse(e.hasPrevKv(), () -> "prev_kv not asked for or not there: " + e);
          }
          a.next++;
          events++;
        }
        assertTrue(rev >= a.next - 1, () -> "header revision behind its events: " + r);
      }
    }
  }

  /** A watch on the prefix from revision 1 for the whole run, recording (key, revision) of each event. */
  private final class LongLivedWatcher implements AutoCloseable {
    private final List<Put> events = new ArrayList<>();
    private final List<String> errors = new ArrayList<>();
    private final CompletableFuture<Status> ended = new CompletableFuture<>();
    private boolean created;
    private final StreamObserver<WatchRequest> requests = WatchGrpc.newStub(channel)
        .watch(SinglePeerEndpoint.observer(this::record, ended));

    LongLivedWatcher() {
      requests.onNext(WatchRequest.newBuilder().setCreateRequest(WatchCreateRequest.newBuilder()
          .setKey(bytes(PREFIX)).setRangeEnd(KeyRange.prefixEnd(bytes(PREFIX))).setStartRevision(1)).build());
    }

    private synchronized void record(WatchResponse r) {
      if (r.getCreated() && !created && !r.getCanceled()) {
        created = true;
      } else if (!created || r.getCanceled() || r.getEventsCount() == 0) {
        errors.add("unexpected answer: " + r);
      } else {
        r.getEventsList().forEach(e -> events.add(new Put(e.getKv().getKey().toStringUtf8(), e.getKv().getModRevision())));
      }
    }

    synchronized long lastRevision() {
      return events.isEmpty() ? 0 : events.get(events.size() - 1).revision();
    }

    synchronized List<Put> events() {
      return List.copyOf(events);
    }

    synchronized List<String> errors() {
      return List.copyOf(errors);
    }

    @Override
    public void close() throws Exception {
      requests.onCompleted();
      assertEquals(Status.Code.OK, ended.get(WAIT_SECONDS, TimeUnit.SECONDS).getCode());
    }
  }

  // ------------------------------------------------------------------ helpers

  private KVGrpc.KVBlockingStub kv() {
    return KVGrpc.newBlockingStub(channel).withDeadlineAfter(WAIT_SECONDS, TimeUnit.SECONDS);
  }

  private long put(String key, String value) {
    return kv().put(PutRequest.newBuilder().setKey(bytes(key)).setValue(bytes(value)).build()).getHeader().getRevision();
  }

  private long revision() {
    return kv().range(RangeRequest.newBuilder().setKey(bytes("\0")).setCountOnly(true).build()).getHeader().getRevision();
  }

  private static ByteString bytes(String s) {
    return ByteString.copyFromUtf8(s);
  }

  /** Every thread's full stack, with the locks it holds and waits for: the store runs in this JVM. */
  private static String threadDump() {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    StringBuilder out = new StringBuilder("thread dump");
    long[] deadlocked = threads.findDeadlockedThreads();
    out.append(deadlocked == null ? " (no deadlock found by the JVM)" : " (deadlocked: " + Arrays.toString(deadlocked) + ")")
        .append('\n');
    for (ThreadInfo t : threads.dumpAllThreads(true, true)) {
      out.append('"').append(t.getThreadName()).append("\" #").append(t.getThreadId()).append(' ').append(t.getThreadState());
      if (t.getLockName() != null) {
        out.append(" waiting for ").append(t.getLockName());
      }
      if (t.getLockOwnerName() != null) {
        out.append(" held by \"").append(t.getLockOwnerName()).append('"');
      }
      out.append('\n');
      StackTraceElement[] stack = t.getStackTrace();
      for (int i = 0; i < stack.length; i++) {
        out.append("\tat ").append(stack[i]).append('\n');
        for (MonitorInfo m : t.getLockedMonitors()) {
          if (m.getLockedStackDepth() == i) {
            out.append("\t- locked ").append(m).append('\n');
          }
        }
      }
      LockInfo[] synchronizers = t.getLockedSynchronizers();
      if (synchronizers.length > 0) {
        out.append("\tlocked synchronizers: ")
            .append(Arrays.stream(synchronizers).map(String::valueOf).collect(Collectors.joining(", "))).append('\n');
      }
      out.append('\n');
    }
    return out.toString();
  }
}
