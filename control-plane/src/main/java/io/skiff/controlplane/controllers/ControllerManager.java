package io.skiff.controlplane.controllers;

import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.skiff.api.v1.Lease;
import io.skiff.client.DaemonThreads;
import io.skiff.client.FencingToken;
import io.skiff.client.ResourceClient;
import io.skiff.client.ResourceTypes;
import io.skiff.controlplane.election.ElectionSettings;
import io.skiff.controlplane.election.LeaderElector;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the scheduler and controllers on whichever master leads, like
 * kube-controller-manager with --leader-elect. Every master campaigns; the
 * leader builds a fresh {@link ControllerContext} per term whose writes all
 * carry that term's fencing token (fixed for the term, so a write that
 * straggles past its end is refused once another master has taken over), and
 * tears it down when the term ends. Terms begin and end on one thread, in order.
 */
public final class ControllerManager implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ControllerManager.class);
  private static final Duration SYNC_PATIENCE = Duration.ofMinutes(2);

  private final Channel channel;
  private final String identity;
  private final ControllerSettings settings;
  private final Clock clock;
  private final Function<ControllerContext, List<Controller>> controllers;
  private final LeaderElector elector;
  private final ExecutorService terms = Executors.newSingleThreadExecutor(DaemonThreads.named("controller-terms"));
  private final List<Controller> running = new ArrayList<>();
  private ControllerContext context;

  /**
   * @param channel to the masters' API (unfenced: each term adds its token)
   * @param controllers what runs in a term, built on that term's context
   */
  public ControllerManager(Channel channel, String identity, ElectionSettings election, ControllerSettings settings,
      Clock clock, Function<ControllerContext, List<Controller>> controllers) {
    this.channel = channel;
    this.identity = identity;
    this.settings = settings;
    this.clock = clock;
    this.controllers = controllers;
    // a call may take as long as the leader may go without renewing: after a store leader change a
    // read can take a second, and a leader must not step down for one slow call
    ResourceClient<Lease> leases = new ResourceClient<>(channel, ResourceTypes.LEASES,
        election.renewDeadline().toMillis());
    this.elector = new LeaderElector(leases, identity, election, clock, new LeaderElector.Callbacks() {
      @Override
      public void startedLeading(FencingToken token) {
        terms.execute(() -> begin(token));
      }

      @Override
      public void stoppedLeading() {
        terms.execute(ControllerManager.this::end);
      }
    });
  }

  public ControllerManager start() {
    elector.start();
    return this;
  }

  public boolean leading() {
    return elector.leading();
  }

  public String identity() {
    return identity;
  }

  /** The controllers of the current term (empty when not leading); for tests and status. */
  public synchronized List<Controller> running() {
    return List.copyOf(running);
  }

  private void begin(FencingToken token) {
    end();
    Channel fenced = ClientInterceptors.intercept(channel, FencingToken.interceptor(() -> token));
    ControllerContext term = new ControllerContext(fenced, identity, clock, settings);
    synchronized (this) {
      context = term;
    }
    // built before the informers start, so that controllers that need every object as an add hear the first List
    List<Controller> built = controllers.apply(term);
    synchronized (this) {
      running.addAll(built);
    }
    try {
      if (!term.startInformers(SYNC_PATIENCE)) {
        log.warn("informers did not sync within {}; this term runs no controllers", SYNC_PATIENCE);
        return;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    if (!token.equals(elector.token())) {
      return;  // the term ended while we synced; its end() is queued behind us
    }
    List<Controller> started = built;
    started.forEach(Controller::start);
    log.info("term {} began: running {}", token.format(), started.stream().map(Controller::name).toList());
  }

  private void end() {
    List<Controller> stopping;
    ControllerContext ending;
    synchronized (this) {
      stopping = List.copyOf(running);
      running.clear();
      ending = context;
      context = null;
    }
    for (Controller controller : stopping) {
      try {
        controller.close();
      } catch (RuntimeException e) {
        log.warn("controller {} failed to stop", controller.name(), e);
      }
    }
    if (ending != null) {
      ending.close();
      log.info("term ended: stopped {}", stopping.stream().map(Controller::name).toList());
    }
  }

  @Override
  public void close() throws InterruptedException {
    elector.stopCampaigning();
    try {
      terms.submit(this::end).get(30, TimeUnit.SECONDS);  // controllers stop before the lease is handed back
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      log.warn("controllers did not stop cleanly", e);
    }
    elector.close();
    terms.shutdown();
    terms.awaitTermination(10, TimeUnit.SECONDS);
  }
}
