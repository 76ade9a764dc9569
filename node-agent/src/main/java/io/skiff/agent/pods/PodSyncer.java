package io.skiff.agent.pods;

import com.google.inject.Inject;
import com.google.inject.Singleton;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.skiff.agent.AgentConfig;
import io.skiff.agent.MasterApi;
import io.skiff.agent.events.PodEvents;
import io.skiff.agent.node.NodeIdentity;
import io.skiff.agent.probes.ProbeManager;
import io.skiff.client.workqueue.BackOff;
import io.skiff.agent.runtime.ContainerRuntime;
import io.skiff.agent.runtime.ContainerStatus;
import io.skiff.agent.runtime.RuntimeError;
import io.skiff.agent.runtime.RuntimeLabels;
import io.skiff.agent.runtime.SandboxStatus;
import io.skiff.api.v1.Container;
import io.skiff.api.v1.DeleteRequest;
import io.skiff.api.v1.ObjectMeta;
import io.skiff.api.v1.Pod;
import io.skiff.api.v1.PodStatus;
import io.skiff.api.v1.Preconditions;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reconcile of one pod, level-triggered: given only its uid, it reads the pod (from the
 * {@link PodCache}) and the engine's state, and makes the engine match — a sandbox, each container
 * started, restarted per restartPolicy with back-off, killed on a failed liveness or startup
 * probe — then hands the resulting status to the {@link StatusWriter}. A pod being deleted is
 * stopped (in the background, within its grace period) and then deleted for good; a pod the
 * masters no longer have is an orphan and its containers go. Safe to repeat: what is already right
 * is left alone, which is also how containers found after an agent restart are adopted. What it
 * does to containers is told in {@link PodEvents}, as the kubelet tells it.
 *
 * <p>Thread-safe; one sync per pod at a time is the work queue's promise.
 */
@Singleton
public final class PodSyncer {
  private static final Logger log = LoggerFactory.getLogger(PodSyncer.class);
  /** The kubelet's least grace period for pods it kills without being told one. */
  static final Duration ORPHAN_GRACE = Duration.ofSeconds(2);

  private final ContainerRuntime runtime;
  private final PodCache cache;
  private final ProbeManager probes;
  private final StatusWriter statusWriter;
  private final PodTerminator terminator;
  private final MasterApi api;
  private final NodeIdentity node;
  private final Clock clock;
  private final BackOff restarts;
  private final ImagePuller puller;
  private final PodEvents events;
  private volatile PodStatusBuilder statuses;

  @Inject
  public PodSyncer(AgentConfig config, ContainerRuntime runtime, PodCache cache, ProbeManager probes,
      StatusWriter statusWriter, PodTerminator terminator, MasterApi api, NodeIdentity node, Clock clock,
      PodEvents events) {
    this.runtime = runtime;
    this.cache = cache;
    this.probes = probes;
    this.statusWriter = statusWriter;
    this.terminator = terminator;
    this.api = api;
    this.node = node;
    this.clock = clock;
    this.restarts = new BackOff(config.backoffInitial(), config.backoffMax(), clock);
    this.puller = new ImagePuller(runtime, new BackOff(config.backoffInitial(), config.backoffMax(), clock), events);
    this.events = events;
  }

  /** Syncs the pod; returns when it wants another look even without an event (null: no need). */
  public Duration sync(String uid) {
    Optional<Pod> pod = cache.get(uid);
    PodRuntime actual = PodRuntime.read(runtime, uid);
    if (pod.isEmpty()) {
      if (cache.hasSynced()) {
        removeOrphan(uid, actual);
      }
      return null;
    }
    if (pod.get().getMetadata().hasDeletionTimestamp()) {
      terminate(pod.get(), actual);
      return null;
    }
    return new Reconcile(pod.get(), actual).run();
  }

  private void removeOrphan(String uid, PodRuntime actual) {
    forget(uid);
    if (!actual.isEmpty()) {
      String name = actual.sandboxes().stream().findFirst().map(SandboxStatus::labels)
          .or(() -> actual.containers().stream().findFirst().map(ContainerStatus::labels))
          .map(l -> l.get(RuntimeLabels.POD_NAMESPACE) + "/" + l.get(RuntimeLabels.POD_NAME)).orElse(uid);
      log.info("pod {} ({}) is no longer on the masters; removing its containers", name, uid);
      terminator.terminate(uid, name, ORPHAN_GRACE);
    }
  }

  /** Stops everything of the pod within its grace period, then deletes the pod object for good. */
  private void terminate(Pod pod, PodRuntime actual) {
    ObjectMeta meta = pod.getMetadata();
    String uid = meta.getUid();
    probes.removePod(uid);
    if (terminator.busy(uid)) {
      return;
    }
    if (!actual.isEmpty()) {
      long grace = meta.hasDeletionGracePeriodSeconds() ? meta.getDeletionGracePeriodSeconds()
          : pod.getSpec().getTerminationGracePeriodSeconds();
      log.info("pod {}/{} is being deleted; stopping its containers (grace {} s)", meta.getNamespace(),
          meta.getName(), grace);
      terminator.terminate(uid, meta.getNamespace() + "/" + meta.getName(), Duration.ofSeconds(grace));
      return;
    }
    try {
      api.pods().delete(DeleteRequest.newBuilder().setNamespace(meta.getNamespace()).setName(meta.getName())
          .setGracePeriodSeconds(0).setPreconditions(Preconditions.newBuilder().setUid(uid)).build());
      log.info("pod {}/{} deleted: its containers are gone", meta.getNamespace(), meta.getName());
    } catch (StatusRuntimeException e) {
      Status.Code code = e.getStatus().getCode();
      if (code != Status.Code.NOT_FOUND && code != Status.Code.FAILED_PRECONDITION) {
        throw e;
      }
    }
    forget(uid);
  }

  private void forget(String uid) {
    probes.removePod(uid);
    statusWriter.forget(uid);
    restarts.resetAll(uid + "/");
    puller.forget(uid);
    events.forget(uid);
  }

  private PodStatusBuilder statuses() {
    PodStatusBuilder builder = statuses;
    if (builder == null) {
      String version = runtime.version();
      int space = version.indexOf(' ');
      builder = new PodStatusBuilder(probes, node.internalIp(), space < 0 ? version : version.substring(0, space));
      statuses = builder;
    }
    return builder;
  }

  /** One sync of one running pod: its containers' actions, then its status. */
  private final class Reconcile {
    private final Pod pod;
    private final String uid;
    private final String description;
    private final PodRuntime actual;
    private final PodStatus base;
    private String sandboxId;

    Reconcile(Pod pod, PodRuntime actual) {
      this.pod = pod;
      this.uid = pod.getMetadata().getUid();
      this.description = pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
      this.actual = actual;
      this.base = statusWriter.base(pod);
      this.sandboxId = actual.runningSandbox().map(SandboxStatus::id).orElse(null);
    }

    Duration run() {
      Map<String, Waiting> waiting = new HashMap<>();
      Duration wake = null;
      boolean finished = base.getPhase().equals("Succeeded") || base.getPhase().equals("Failed");
      for (Container container : finished ? List.<Container>of() : pod.getSpec().getContainersList()) {
        Waiting w = sync(container);
        if (w != null) {
          waiting.put(container.getName(), w);
          if (w.retryIn() != null && (wake == null || w.retryIn().compareTo(wake) < 0)) {
            wake = w.retryIn();
          }
        }
      }
      PodRuntime now = PodRuntime.read(runtime, uid);
      Map<String, ContainerStatus> running = new HashMap<>();
      now.latestByName().forEach((name, c) -> {
        if (c.state() == ContainerStatus.State.RUNNING) {
          running.put(name, c);
        }
      });
      String podIp = now.runningSandbox().map(SandboxStatus::ip).orElse("");
      probes.track(pod, running, podIp.isEmpty() ? base.getPodIp() : podIp, seeds());
      PodStatus status = statuses().build(pod, now, waiting, base, clock.instant());
      if ((status.getPhase().equals("Succeeded") || status.getPhase().equals("Failed"))
          && now.runningSandbox().isPresent()) {
        log.info("pod {} has {}; stopping its sandbox", description, status.getPhase().toLowerCase(java.util.Locale.ROOT));
        probes.removePod(uid);
        runtime.stopSandbox(now.runningSandbox().get().id(), Duration.ZERO);
      }
      statusWriter.offer(pod, status);
      return wake;
    }

    /** Makes one container right; returns why it waits, if it does. */
    private Waiting sync(Container container) {
      List<ContainerStatus> instances = actual.instances(container.getName());
      if (instances.isEmpty()) {
        return start(container, 0, instances);
      }
      ContainerStatus latest = instances.get(0);
      return switch (latest.state()) {
        case RUNNING -> syncRunning(container, latest, instances);
        case EXITED -> syncExited(container, latest, instances);
        case CREATED -> sandboxId != null ? startCreated(container, latest)
            : start(container, PodRuntime.attempt(latest) + 1, instances);
        case UNKNOWN ->
          // neither running nor exited as far as the engine says: starting another could duplicate it
          new Waiting("Unknown", "the engine reports container " + container.getName() + " in an unknown state",
              Duration.ofSeconds(1));
      };
    }

    /** A running container stays, unless a probe failed (then as if it exited) or its image changed (then at once). */
    private Waiting syncRunning(Container container, ContainerStatus latest, List<ContainerStatus> instances) {
      String failure = probes.failed(latest.id());
      String specImage = latest.labels().getOrDefault(RuntimeLabels.SPEC_IMAGE, container.getImage());
      if (failure == null && specImage.equals(container.getImage())) {
        return null;
      }
      String why = failure != null ? failure
          : "Container " + container.getName() + " definition changed, will be restarted";
      log.info("pod {}: {}", description, why);
      events.normal(pod, container.getName(), "Killing", why);
      runtime.stopContainer(latest.id(), Duration.ofSeconds(pod.getSpec().getTerminationGracePeriodSeconds()));
      ContainerStatus stopped = runtime.inspectContainer(latest.id()).orElse(null);
      if (failure == null || stopped == null) {
        return start(container, PodRuntime.attempt(latest) + 1, instances);
      }
      return syncExited(container, stopped, instances);
    }

    /** An exited container is restarted if its pod's policy says so, once its back-off has passed. */
    private Waiting syncExited(Container container, ContainerStatus latest, List<ContainerStatus> instances) {
      if (!restartWanted(latest.exitCode())) {
        return null;
      }
      String key = uid + "/" + container.getName();
      Duration wait = restarts.remaining(key, latest.finishedAt() != null ? latest.finishedAt() : clock.instant());
      if (!wait.isZero()) {
        String podId = pod.getMetadata().getName() + "_" + pod.getMetadata().getNamespace() + "(" + uid + ")";
        events.warningOnce(pod, container.getName(), "BackOff", "Back-off restarting failed container "
            + container.getName() + " in pod " + podId);
        return new Waiting("CrashLoopBackOff", "back-off " + GoDurations.format(restarts.current(key))
            + " restarting failed container=" + container.getName() + " pod=" + podId, wait);
      }
      restarts.next(key);
      return start(container, PodRuntime.attempt(latest) + 1, instances);
    }

    /** Starts an instance created by a run of the agent that died before starting it. */
    private Waiting startCreated(Container container, ContainerStatus created) {
      runtime.startContainer(created.id());
      events.started(pod, container.getName());
      log.info("pod {}: container {} started (it was created before the agent restarted)", description,
          container.getName());
      return null;
    }

    private boolean restartWanted(int exitCode) {
      return switch (pod.getSpec().getRestartPolicy()) {
        case "Never" -> false;
        case "OnFailure" -> exitCode != 0;
        default -> true;
      };
    }

    /** Pulls, creates and starts a new instance; keeps the one before it (for `logs --previous`), removes older ones. */
    private Waiting start(Container container, int attempt, List<ContainerStatus> earlier) {
      Waiting pull = puller.ensure(pod, container);
      if (pull != null) {
        return pull;
      }
      String sandbox = sandbox();
      String id;
      try {
        id = runtime.createContainer(sandbox, ContainerSpecs.container(pod, container, attempt));
      } catch (RuntimeError e) {
        if (e.kind() == RuntimeError.Kind.UNAVAILABLE) {
          throw e;
        }
        log.warn("pod {}: cannot create container {}: {}", description, container.getName(), e.getMessage());
        events.warning(pod, container.getName(), "Failed", "Error: " + e.getMessage());
        return new Waiting("CreateContainerError", e.getMessage(), retryAfterError(container));
      }
      events.normal(pod, container.getName(), "Created", "Created container " + container.getName());
      try {
        runtime.startContainer(id);
      } catch (RuntimeError e) {
        if (e.kind() == RuntimeError.Kind.UNAVAILABLE) {
          throw e;
        }
        log.warn("pod {}: cannot start container {}: {}", description, container.getName(), e.getMessage());
        events.warning(pod, container.getName(), "Failed", "Error: " + e.getMessage());
        return new Waiting("RunContainerError", e.getMessage(), retryAfterError(container));
      }
      events.started(pod, container.getName());
      if (earlier.isEmpty()) {
        log.info("pod {}: container {} started", description, container.getName());
      } else {
        ContainerStatus last = earlier.get(0);
        log.info("pod {}: container {} restarted (restart {}; the last instance ended with exit code {}{})",
            description, container.getName(), attempt, last.exitCode(), last.oomKilled() ? ", OOM-killed" : "");
      }
      for (int i = 1; i < earlier.size(); i++) {
        runtime.removeContainer(earlier.get(i).id());
      }
      return null;
    }

    private Duration retryAfterError(Container container) {
      String key = uid + "/" + container.getName();
      restarts.next(key);
      return restarts.current(key);
    }

    /** The pod's running sandbox; a new one (replacing any dead one) when it has none. */
    private String sandbox() {
      if (sandboxId == null) {
        for (SandboxStatus dead : actual.sandboxes()) {
          log.info("pod {}: its sandbox {} is not running; replacing it", description, dead.id());
          runtime.removeSandbox(dead.id());
        }
        sandboxId = runtime.createSandbox(ContainerSpecs.sandbox(pod));
        log.info("pod {}: sandbox {} created", description, sandboxId);
      }
      return sandboxId;
    }

    /** Verdicts in the pod's status by the container id they were given for: kept across an agent restart. */
    private Map<String, ProbeManager.Seed> seeds() {
      Map<String, ProbeManager.Seed> seeds = new HashMap<>();
      for (io.skiff.api.v1.ContainerStatus c : base.getContainerStatusesList()) {
        int scheme = c.getContainerId().indexOf("://");
        if (c.getState().hasRunning() && scheme >= 0) {
          seeds.put(c.getContainerId().substring(scheme + 3), new ProbeManager.Seed(c.getStarted(), c.getReady()));
        }
      }
      return seeds;
    }
  }
}
