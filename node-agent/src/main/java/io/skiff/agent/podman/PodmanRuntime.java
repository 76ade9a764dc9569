package io.skiff.agent.podman;

import io.skiff.agent.runtime.ContainerConfig;
import io.skiff.agent.runtime.ContainerRuntime;
import io.skiff.agent.runtime.ContainerStatus;
import io.skiff.agent.runtime.ExecResult;
import io.skiff.agent.runtime.LogOptions;
import io.skiff.agent.runtime.LogSink;
import io.skiff.agent.runtime.RuntimeError.Kind;
import io.skiff.agent.runtime.RuntimeError;
import io.skiff.agent.runtime.RuntimeEvent;
import io.skiff.agent.runtime.RuntimeLabels;
import io.skiff.agent.runtime.SandboxConfig;
import io.skiff.agent.runtime.SandboxStatus;
import io.skiff.client.DaemonThreads;
import java.io.Closeable;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * The agent's runtime on Podman. A sandbox is a Podman pod: its infra container holds the network
 * namespace, the hostname and the published ports, and the pod's containers join it. Everything
 * created carries the caller's labels plus {@code io.skiff.managed=true} (and, for a runtime of a
 * node, {@code io.skiff.node=<node>}), and the lists and events show only what carries those labels
 * (infra containers are not listed as containers).
 *
 * <p>Podman's own details: stop timeouts are whole seconds (a part counts as one); an exec that
 * outlives its timeout fails with UNAVAILABLE and may go on inside the container; exec output is
 * cut at 64 KiB. OOM kills come from the kernel log ({@link KernelOomWatcher}), since Podman 4.3
 * does not report them. Thread-safe; it owns the client and closes it.
 */
public final class PodmanRuntime implements ContainerRuntime, Closeable {
  private static final int MAX_EXEC_OUTPUT = 64 * 1024;
  private static final Map<String, String> MANAGED = Map.of(RuntimeLabels.MANAGED, "true");
  private static final long CPU_PERIOD_MICROS = 100_000;
  /** The kernel's smallest CFS quota. */
  private static final long MIN_CPU_QUOTA_MICROS = 1_000;

  /** Podman's container states in which a process may run. */
  private static final Set<String> STOPPABLE = Set.of("running", "paused", "stopping");

  private final PodmanClient podman;
  private final KernelOomWatcher oomWatcher;
  /** The labels everything this runtime creates carries, and that everything it lists must carry. */
  private final Map<String, String> scope;
  /** Runs the parallel stops of a sandbox's containers; threads end when idle. */
  private final ExecutorService stoppers = Executors.newCachedThreadPool(DaemonThreads.numbered("podman-stop"));

  PodmanRuntime(PodmanClient podman, KernelOomWatcher oomWatcher) {
    this(podman, oomWatcher, MANAGED);
  }

  private PodmanRuntime(PodmanClient podman, KernelOomWatcher oomWatcher, Map<String, String> scope) {
    this.podman = podman;
    this.oomWatcher = oomWatcher;
    this.scope = Map.copyOf(scope);
  }

  /** A runtime on the Podman service at {@code socket}, watching the kernel log for OOM kills. */
  public static PodmanRuntime connect(Path socket, Duration requestTimeout) {
    return new PodmanRuntime(new PodmanClient(socket, requestTimeout), KernelOomWatcher.start(Path.of("/dev/kmsg")));
  }

  /**
   * A runtime of node {@code node}: what it creates is labelled {@code io.skiff.node=<node>}, and
   * it sees only what is, so it never takes another node's (or another user's) sandboxes for its own.
   */
  public static PodmanRuntime connect(Path socket, Duration requestTimeout, String node) {
    Map<String, String> scope = new HashMap<>(MANAGED);
    scope.put(RuntimeLabels.NODE, node);
    return new PodmanRuntime(new PodmanClient(socket, requestTimeout), KernelOomWatcher.start(Path.of("/dev/kmsg")),
        scope);
  }

  public PodmanClient client() {
    return podman;
  }

  @Override
  public void close() {
    stoppers.shutdownNow();
    oomWatcher.close();
    podman.close();
  }

  // ---- sandboxes ----------------------------------------------------------------------------

  @Override
  public String createSandbox(SandboxConfig config) {
    List<LibpodJson.PortMapping> ports = config.portMappings() == null ? List.of()
        : config.portMappings().stream()
            .map(p -> new LibpodJson.PortMapping(p.containerPort(), p.hostPort(),
                p.protocol() == null ? "tcp" : p.protocol().toLowerCase(), p.hostIp()))
            .toList();
    String id = podman.createPod(new LibpodJson.PodCreate(config.name(), config.hostname(), managed(config.labels()),
        ports));
    try {
      podman.startPod(id);
    } catch (RuntimeError e) {
      try {
        podman.removePod(id, true);
      } catch (RuntimeError cleanup) {
        e.addSuppressed(cleanup);
      }
      throw e;
    }
    return id;
  }

  /**
   * Stops the pod's running containers in parallel, each with the grace period, then its infra
   * container. Not Podman's pod stop, which in 4.3 leaves a pod alone unless all its containers
   * run.
   */
  @Override
  public void stopSandbox(String sandboxId, Duration grace) {
    LibpodJson.PodInspect pod = podman.inspectPod(sandboxId);
    List<CompletableFuture<Void>> stops = new ArrayList<>();
    for (LibpodJson.PodInspectContainer c : containers(pod)) {
      if (!c.id().equals(pod.infraContainerId()) && STOPPABLE.contains(c.state())) {
        stops.add(CompletableFuture.runAsync(() -> ignoreMissing(() -> podman.stopContainer(c.id(), grace)), stoppers));
      }
    }
    RuntimeError failure = null;
    for (CompletableFuture<Void> stop : stops) {
      try {
        stop.join();
      } catch (CompletionException e) {
        RuntimeError error = e.getCause() instanceof RuntimeError r ? r
            : new RuntimeError(Kind.ENGINE, "stopping a container of " + sandboxId + ": " + e.getCause(), e.getCause());
        if (failure == null) {
          failure = error;
        } else {
          failure.addSuppressed(error);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
    if (pod.infraContainerId() != null && !pod.infraContainerId().isEmpty()) {
      ignoreMissing(() -> podman.stopContainer(pod.infraContainerId(), Duration.ZERO));
    }
  }

  /**
   * Removes the pod's containers (killing any still running at once), then the pod. Podman's
   * forced pod removal alone would give each running container Podman's default 10 s to stop.
   */
  @Override
  public void removeSandbox(String sandboxId) {
    LibpodJson.PodInspect pod;
    try {
      pod = podman.inspectPod(sandboxId);
    } catch (RuntimeError e) {
      if (e.kind() == Kind.NOT_FOUND) {
        return;
      }
      throw e;
    }
    for (LibpodJson.PodInspectContainer c : containers(pod)) {
      if (!c.id().equals(pod.infraContainerId())) {
        ignoreMissing(() -> podman.removeContainer(c.id(), true));
      }
    }
    ignoreMissing(() -> podman.removePod(pod.id(), true));
  }

  @Override
  public List<SandboxStatus> listSandboxes() {
    return listSandboxes(Map.of());
  }

  /** Filtered by Podman: only the sandboxes wanted are inspected. */
  @Override
  public List<SandboxStatus> listSandboxes(Map<String, String> labels) {
    List<SandboxStatus> sandboxes = new ArrayList<>();
    for (LibpodJson.PodListEntry pod : podman.listPods(managed(labels))) {
      String ip = "";
      if (pod.infraId() != null && !pod.infraId().isEmpty()) {
        ip = inspect(pod.infraId()).map(LibpodJson.ContainerInspect::ipAddress).orElse("");
      }
      sandboxes.add(new SandboxStatus(pod.id(), pod.name(), labels(pod.labels()), pod.infraRunning(), ip));
    }
    return sandboxes;
  }

  // ---- containers ---------------------------------------------------------------------------

  @Override
  public String createContainer(String sandboxId, ContainerConfig config) {
    return podman.createContainer(new LibpodJson.ContainerCreate(
        config.name(),
        config.image(),
        sandboxId,
        config.command(),
        config.args(),
        config.env(),
        config.workingDir(),
        managed(config.labels()),
        resources(config)));
  }

  @Override
  public void startContainer(String containerId) {
    podman.startContainer(containerId);
  }

  @Override
  public void stopContainer(String containerId, Duration grace) {
    podman.stopContainer(containerId, grace);
  }

  @Override
  public void removeContainer(String containerId) {
    ignoreMissing(() -> podman.removeContainer(containerId, true));
  }

  /** Lists by label, then inspects each (the list lacks OOM kills and exact times). */
  @Override
  public List<ContainerStatus> listContainers() {
    return listContainers(Map.of());
  }

  /** Filtered by Podman: only the containers wanted are inspected. */
  @Override
  public List<ContainerStatus> listContainers(Map<String, String> labels) {
    List<ContainerStatus> containers = new ArrayList<>();
    for (LibpodJson.ContainerListEntry entry : podman.listContainers(managed(labels))) {
      if (!entry.infra()) {
        inspect(entry.id()).map(this::status).ifPresent(containers::add);
      }
    }
    return containers;
  }

  @Override
  public Optional<ContainerStatus> inspectContainer(String containerId) {
    return inspect(containerId).map(this::status);
  }

  @Override
  public ExecResult exec(String containerId, List<String> command, Duration timeout) {
    return podman.exec(containerId, command, timeout, MAX_EXEC_OUTPUT);
  }

  // ---- images, logs, version, events --------------------------------------------------------

  @Override
  public boolean imageExists(String image) {
    return podman.imageExists(image);
  }

  @Override
  public void pullImage(String image) {
    podman.pullImage(image);
  }

  @Override
  public void logs(String containerId, LogOptions options, LogSink sink) {
    podman.logs(containerId, options, sink);
  }

  /** As Kubernetes names runtimes: "podman://4.3.1". */
  @Override
  public String version() {
    return "podman " + podman.version();
  }

  @Override
  public Subscription subscribe(Consumer<RuntimeEvent> listener) {
    return RuntimeEventSubscription.subscribe(podman, oomWatcher, scope, listener);
  }

  // ---- mapping ------------------------------------------------------------------------------

  private ContainerStatus status(LibpodJson.ContainerInspect c) {
    LibpodJson.ContainerState s = c.state();
    ContainerStatus.State state = switch (s == null ? "" : s.status()) {
      case "configured", "created", "initialized" -> ContainerStatus.State.CREATED;
      case "running", "paused", "stopping" -> ContainerStatus.State.RUNNING;
      case "exited", "stopped" -> ContainerStatus.State.EXITED;
      default -> ContainerStatus.State.UNKNOWN;
    };
    boolean exited = state == ContainerStatus.State.EXITED;
    Instant startedAt = s == null ? null : LibpodJson.time(s.startedAt());
    Instant finishedAt = exited ? LibpodJson.time(s.finishedAt()) : null;
    if (finishedAt != null && startedAt != null && finishedAt.isBefore(startedAt)) {
      finishedAt = startedAt; // Podman stamps a process that ends at once a little before its start
    }
    return new ContainerStatus(c.id(), c.name(), c.pod() == null ? "" : c.pod(), c.labels(), state,
        exited ? s.exitCode() : 0,
        exited && (s.oomKilled() || oomWatcher.oomKilled(c.id())),
        startedAt, finishedAt, c.imageName(), c.imageId());
  }

  private Optional<LibpodJson.ContainerInspect> inspect(String containerId) {
    try {
      return Optional.of(podman.inspectContainer(containerId));
    } catch (RuntimeError e) {
      if (e.kind() == Kind.NOT_FOUND) {
        return Optional.empty();
      }
      throw e;
    }
  }

  private static List<LibpodJson.PodInspectContainer> containers(LibpodJson.PodInspect pod) {
    return pod.containers() == null ? List.of() : pod.containers();
  }

  private static LibpodJson.Resources resources(ContainerConfig config) {
    LibpodJson.Memory memory = config.memoryLimitBytes() > 0
        ? new LibpodJson.Memory(config.memoryLimitBytes(), config.memoryLimitBytes())
        : null;
    LibpodJson.Cpu cpu = config.cpuMillis() > 0
        ? new LibpodJson.Cpu(Math.max(MIN_CPU_QUOTA_MICROS, config.cpuMillis() * CPU_PERIOD_MICROS / 1000),
            CPU_PERIOD_MICROS)
        : null;
    return memory == null && cpu == null ? null : new LibpodJson.Resources(memory, cpu);
  }

  private Map<String, String> managed(Map<String, String> labels) {
    Map<String, String> all = new HashMap<>(labels == null ? Map.of() : labels);
    all.putAll(scope);
    return all;
  }

  private static Map<String, String> labels(Map<String, String> labels) {
    return labels == null ? Map.of() : Map.copyOf(labels);
  }

  private static void ignoreMissing(Runnable action) {
    try {
      action.run();
    } catch (RuntimeError e) {
      if (e.kind() != Kind.NOT_FOUND) {
        throw e;
      }
    }
  }
}
