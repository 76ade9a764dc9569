package io.skiff.agent.probes;

import com.google.inject.Inject;
import com.google.inject.Singleton;
import io.skiff.agent.events.PodEvents;
import io.skiff.agent.runtime.ContainerStatus;
import io.skiff.agent.threads.AgentThreads;
import io.skiff.api.v1.Container;
import io.skiff.api.v1.ContainerPort;
import io.skiff.api.v1.Pod;
import io.skiff.api.v1.Probe;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The probes of every running container on the node: the pod sync tells it which container
 * instances run ({@link #track}), it runs their probes on its own threads and reports verdict
 * changes by pod uid, and the sync reads the verdicts ({@link #started}, {@link #ready},
 * {@link #failed}). A container without probes is started, ready and never failed. A probe that
 * fails is told as an Unhealthy Event. Thread-safe.
 */
@Singleton
public final class ProbeManager implements AutoCloseable {
  private static final int THREADS = 4;

  private final Prober prober;
  private final Clock clock;
  private final PodEvents events;
  private final Map<String, ContainerProbes> byContainerId = new ConcurrentHashMap<>();
  private final ScheduledExecutorService executor;
  private volatile Consumer<String> onChange = uid -> { };

  @Inject
  public ProbeManager(Prober prober, Clock clock, AgentThreads threads, PodEvents events) {
    this.prober = prober;
    this.clock = clock;
    this.events = events;
    this.executor = threads.scheduler("prober", THREADS);
  }

  public void setListener(Consumer<String> listener) {
    this.onChange = listener;
  }

  /**
   * Makes the probes of {@code running} (the pod's running container instances, by container
   * name) run, and stops those of the pod's other instances. {@code seeds} are verdicts carried
   * over from the pod's status, by container id, for instances this manager has not seen (after an
   * agent restart).
   */
  public void track(Pod pod, Map<String, ContainerStatus> running, String podIp, Map<String, Seed> seeds) {
    String uid = pod.getMetadata().getUid();
    Set<String> wanted = new java.util.HashSet<>();
    for (Container container : pod.getSpec().getContainersList()) {
      ContainerStatus instance = running.get(container.getName());
      if (instance == null || !hasProbes(container)) {
        continue;
      }
      wanted.add(instance.id());
      byContainerId.computeIfAbsent(instance.id(), id -> start(pod, container, instance, podIp,
          seeds.getOrDefault(instance.id(), Seed.NONE)));
    }
    byContainerId.values().removeIf(p -> {
      boolean gone = p.podUid.equals(uid) && !wanted.contains(p.containerId);
      if (gone) {
        p.cancel();
      }
      return gone;
    });
  }

  /** A verdict carried over from the pod's status: the container was started, and ready. */
  public record Seed(boolean started, boolean ready) {
    public static final Seed NONE = new Seed(false, false);
  }

  private ContainerProbes start(Pod pod, Container container, ContainerStatus instance, String podIp, Seed seed) {
    ContainerProbes results = new ContainerProbes(pod.getMetadata().getUid(), instance.id(), container.getName(),
        !container.hasStartupProbe() || seed.started(), !container.hasReadinessProbe() || seed.ready());
    Map<Integer, Integer> hostPorts = new HashMap<>();
    for (ContainerPort port : container.getPortsList()) {
      if (port.getHostPort() > 0) {
        hostPorts.put(port.getContainerPort(), port.getHostPort());
      }
    }
    ProbeTarget target = new ProbeTarget(instance.id(), podIp, hostPorts);
    String description = container.getName() + " of pod " + pod.getMetadata().getNamespace() + "/"
        + pod.getMetadata().getName();
    Instant startedAt = instance.startedAt() == null ? clock.instant() : instance.startedAt();
    ProbeWorker.Subject subject = new ProbeWorker.Subject(description, uid -> onChange.accept(uid),
        why -> events.warning(pod, container.getName(), "Unhealthy", why));
    synchronized (results) {
      schedule(results, ProbeType.STARTUP, container.hasStartupProbe() ? container.getStartupProbe() : null, target,
          startedAt, subject);
      schedule(results, ProbeType.LIVENESS, container.hasLivenessProbe() ? container.getLivenessProbe() : null, target,
          startedAt, subject);
      schedule(results, ProbeType.READINESS, container.hasReadinessProbe() ? container.getReadinessProbe() : null,
          target, startedAt, subject);
    }
    return results;
  }

  private void schedule(ContainerProbes results, ProbeType type, Probe probe, ProbeTarget target, Instant startedAt,
      ProbeWorker.Subject subject) {
    if (probe == null) {
      return;
    }
    ProbeWorker worker = new ProbeWorker(type, probe, target, results, prober, subject);
    Duration delay = Duration.between(clock.instant(), startedAt.plusSeconds(probe.getInitialDelaySeconds()));
    long period = Duration.ofSeconds(Math.max(1, probe.getPeriodSeconds())).toMillis();
    results.workers.add(executor.scheduleWithFixedDelay(worker, Math.max(0, delay.toMillis()), period,
        TimeUnit.MILLISECONDS));
  }

  private static boolean hasProbes(Container container) {
    return container.hasLivenessProbe() || container.hasReadinessProbe() || container.hasStartupProbe();
  }

  /** True when the instance has no startup probe or it succeeded. */
  public boolean started(String containerId) {
    ContainerProbes results = byContainerId.get(containerId);
    return results == null || results.started;
  }

  /** True when the instance is started and has no readiness probe or it says ready. */
  public boolean ready(String containerId) {
    ContainerProbes results = byContainerId.get(containerId);
    return results == null || (results.started && results.ready);
  }

  /** Why the instance must be restarted (its liveness or startup probe failed), or null. */
  public String failed(String containerId) {
    ContainerProbes results = byContainerId.get(containerId);
    return results != null && results.failed ? results.failure : null;
  }

  public void removePod(String uid) {
    byContainerId.values().removeIf(p -> {
      if (p.podUid.equals(uid)) {
        p.cancel();
        return true;
      }
      return false;
    });
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
