package io.skiff.controlplane.scheduler;

import io.skiff.api.v1.Pod;
import io.skiff.client.DaemonThreads;
import io.skiff.controlplane.controllers.Controller;
import io.skiff.controlplane.controllers.ControllerContext;
import io.skiff.controlplane.scheduler.policy.Decision;
import io.skiff.controlplane.scheduler.policy.PodInfo;
import io.skiff.controlplane.scheduler.policy.SchedulingAlgorithm;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Places pods on nodes. One thread takes the waiting pods in order and decides each on a snapshot
 * of the {@link SchedulerCache} ({@link SchedulingAlgorithm}: policy only); the plumbing around it
 * commits the decision in the background: a {@link Binder} writes binds, several at once, and a
 * {@link FailureReporter} tells why a pod fits nowhere, while the pod waits parked in the
 * {@link SchedulingQueue} until the cluster changes or {@link #PARKED_RETRY} passes.
 *
 * <p>Build it before the context's informers start: it must hear their first List.
 */
public final class Scheduler implements Controller {
  private static final Logger log = LoggerFactory.getLogger(Scheduler.class);
  /** A parked pod is tried again at least this often, whatever happens in the cluster. */
  public static final Duration PARKED_RETRY = Duration.ofSeconds(30);
  /** Binds and status writes in flight at once: enough to cover the masters' write latency at 1,000 pods/s. */
  static final int WRITERS = 32;

  private final ControllerContext ctx;
  private final SchedulerCache cache = new SchedulerCache();
  private final SchedulingQueue queue = new SchedulingQueue();
  private final SchedulingAlgorithm algorithm = SchedulingAlgorithm.defaults();
  private final ExecutorService writers;
  private final Binder binder;
  private final FailureReporter failures;
  private final ScheduledExecutorService timer;
  private Thread thread;

  public Scheduler(ControllerContext ctx) {
    if (ctx.pods().hasSynced() || ctx.nodes().hasSynced()) {
      throw new IllegalStateException("the scheduler must be built before the context's informers start");
    }
    this.ctx = ctx;
    this.writers = Executors.newFixedThreadPool(WRITERS, DaemonThreads.numbered("scheduler-writer"));
    this.timer = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("scheduler-timer"));
    this.binder = new Binder(ctx.podClient(), ctx.events(), cache, queue, writers);
    this.failures = new FailureReporter(ctx.podClient(), ctx.events(), queue, ctx.clock(), writers);
    ClusterEvents events = new ClusterEvents(cache, queue);
    ctx.nodes().addHandler(events.nodes());
    ctx.pods().addHandler(events.pods());
  }

  @Override
  public String name() {
    return "scheduler";
  }

  @Override
  public void start() {
    thread = DaemonThreads.thread("scheduler", () -> queue.process(this::scheduleOne, this::failed));
    thread.start();
    long check = Math.max(1, PARKED_RETRY.toMillis() / 10);
    timer.scheduleWithFixedDelay(() -> queue.moveParkedOlderThan(PARKED_RETRY), check, check, TimeUnit.MILLISECONDS);
    log.info("scheduler started");
  }

  /** Decides one pod and hands the decision on; never waits for the masters. */
  private Duration scheduleOne(String key) {
    queue.unpark(key);
    int slash = key.indexOf('/');
    Pod pod = ctx.pods().get(key.substring(0, slash), key.substring(slash + 1)).orElse(null);
    if (pod == null || !ClusterEvents.wantsNode(pod) || cache.isAssumed(pod.getMetadata().getUid())) {
      return null;  // gone, placed, or its bind is in flight
    }
    long cycle = queue.cycle();
    PodInfo info = PodInfo.of(pod);
    Decision decision = algorithm.decide(info, cache.snapshot());
    if (decision instanceof Decision.Bind bind) {
      cache.assume(info, bind.node());
      binder.bind(pod, bind.node());
    } else if (decision instanceof Decision.Unschedulable unschedulable) {
      log.debug("pod {} is unschedulable: {}", key, unschedulable.message());
      queue.park(key, cycle);
      failures.report(pod, unschedulable.message());
    }
    return null;
  }

  private void failed(String key, RuntimeException e) {
    log.error("scheduling pod {} failed", key, e);
  }

  /** The cache, for tests and measurements. */
  SchedulerCache cache() {
    return cache;
  }

  @Override
  public void close() {
    queue.close();
    timer.shutdownNow();
    writers.shutdownNow();
    if (thread != null) {
      thread.interrupt();
    }
  }

}
