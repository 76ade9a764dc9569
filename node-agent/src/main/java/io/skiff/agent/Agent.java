package io.skiff.agent;

import com.google.inject.Inject;
import io.skiff.agent.logs.LogService;
import io.skiff.agent.node.LeaseRenewer;
import io.skiff.agent.node.NodeIdentity;
import io.skiff.agent.node.NodeRegistrar;
import io.skiff.agent.pods.PodCache;
import io.skiff.agent.pods.PodRuntime;
import io.skiff.agent.pods.PodTerminator;
import io.skiff.agent.pods.PodWorkers;
import io.skiff.agent.pods.StatusWriter;
import io.skiff.agent.probes.ProbeManager;
import io.skiff.agent.runtime.ContainerRuntime;
import io.skiff.agent.runtime.RuntimeEvent;
import io.skiff.agent.runtime.RuntimeLabels;
import io.skiff.agent.threads.AgentThreads;
import io.skiff.api.v1.Pod;
import io.skiff.client.Endpoints;
import io.skiff.client.events.EventRecorder;
import java.io.IOException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node agent: starts its parts in order and stops them in reverse. What makes pods sync is
 * wired here: pod changes from the masters, container events from the engine, probe verdicts,
 * finished terminations, and a periodic resync (a safety net for lost events) all enqueue pod uids
 * for the {@link PodWorkers}. Stopping the agent leaves every container running: a restarted
 * agent adopts them.
 */
public final class Agent implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Agent.class);

  private final AgentConfig config;
  private final ContainerRuntime runtime;
  private final MasterApi api;
  private final NodeIdentity node;
  private final NodeRegistrar registrar;
  private final LeaseRenewer lease;
  private final PodCache pods;
  private final PodWorkers workers;
  private final StatusWriter statusWriter;
  private final ProbeManager probes;
  private final PodTerminator terminator;
  private final LogService logService;
  private final AgentServer server;
  private final EventRecorder events;
  private final ScheduledExecutorService resync;
  private ContainerRuntime.Subscription runtimeEvents;
  private volatile int port;

  @Inject
  Agent(AgentConfig config, ContainerRuntime runtime, MasterApi api, NodeIdentity node, NodeRegistrar registrar,
      LeaseRenewer lease, PodCache pods, PodWorkers workers, StatusWriter statusWriter, ProbeManager probes,
      PodTerminator terminator, LogService logService, AgentServer server, EventRecorder events,
      AgentThreads threads) {
    this.config = config;
    this.runtime = runtime;
    this.api = api;
    this.node = node;
    this.registrar = registrar;
    this.lease = lease;
    this.pods = pods;
    this.workers = workers;
    this.statusWriter = statusWriter;
    this.probes = probes;
    this.terminator = terminator;
    this.logService = logService;
    this.server = server;
    this.events = events;
    this.resync = threads.scheduler("resync", 1);
  }

  public void start() throws IOException {
    runtimeEvents = runtime.subscribe(this::onRuntimeEvent);
    probes.setListener(workers::enqueue);
    terminator.setListener(workers::enqueue);
    statusWriter.start();
    workers.start();
    port = server.start();
    registrar.start(port);
    lease.start();
    pods.start(workers::enqueue, this::enqueueEnginePods);
    long every = config.resyncInterval().toMillis();
    resync.scheduleWithFixedDelay(this::resyncAll, every, every, TimeUnit.MILLISECONDS);
    log.info("agent of node {} started: port {}, InternalIP {}, masters {}, runtime {}", node.name(),
        port, node.internalIp(), Endpoints.format(config.masters()), runtime.version());
  }

  /** Where the masters reach the agent's gRPC service. */
  public int port() {
    return port;
  }

  public boolean registered() {
    return registrar.registered();
  }

  private void onRuntimeEvent(RuntimeEvent event) {
    String uid = event.labels().get(RuntimeLabels.POD_UID);
    if (uid != null) {
      workers.enqueue(uid);
    }
  }

  /** Pods the engine has something of: after the first List they are synced, so orphans go at once. */
  private void enqueueEnginePods() {
    try {
      PodRuntime.podUids(runtime).forEach(workers::enqueue);
    } catch (RuntimeException e) {
      log.warn("cannot list the engine's pods", e);
    }
  }

  private void resyncAll() {
    for (Pod pod : pods.pods()) {
      workers.enqueue(pod.getMetadata().getUid());
    }
    enqueueEnginePods();
  }

  /** Stops the agent; the containers it runs keep running. */
  @Override
  public void close() throws InterruptedException {
    resync.shutdownNow();
    if (runtimeEvents != null) {
      runtimeEvents.close();
    }
    pods.close();
    lease.close();
    registrar.close();
    workers.close();
    probes.close();
    terminator.close();
    statusWriter.close();
    server.close();
    logService.close();
    events.close();
    api.close();
    log.info("agent of node {} stopped; its containers keep running", node.name());
  }
}
