package io.skiff.agent.runtime;

import io.skiff.agent.threads.SerialExecutor;
import io.skiff.client.DaemonThreads;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A container engine in memory, for logic tests and hollow nodes: sandboxes get made-up IPs (or
 * one given IP), and containers "run" as timers that behave as their {@link ContainerScript} says —
 * print, exit with a code after a while, be OOM-killed, ignore SIGTERM, answer exec commands. A
 * script is chosen per container when it is created (by image, or by a function of its config);
 * without one, a container runs until stopped. Images are pulled from an imaginary registry that
 * has every image except those {@link #refusePulls refused}.
 *
 * <p>Thread-safe: one lock guards the state; stop calls wait outside it. Events go to subscribers
 * in order, one at a time, on the runtime's timer.
 */
public final class InMemoryRuntime implements ContainerRuntime, AutoCloseable {
  private final Object lock = new Object();
  private final Map<String, MemorySandbox> sandboxes = new LinkedHashMap<>();
  private final Map<String, MemoryContainer> containers = new LinkedHashMap<>();
  private final Set<String> images = new HashSet<>();
  private final Map<String, String> refusedPulls = new HashMap<>();
  private final Map<String, Integer> pulls = new HashMap<>();
  private final List<Function<ContainerConfig, ContainerScript>> scripts = new ArrayList<>();
  private final List<Consumer<RuntimeEvent>> listeners = new CopyOnWriteArrayList<>();
  /** Containers' own exits and SIGTERM delays; events go out through it too, in order. */
  private final ScheduledExecutorService timers;
  private final Executor events;
  private String fixedPodIp;
  private int nextIp = 2;

  /** A runtime with a timer thread of its own. */
  public InMemoryRuntime() {
    this(Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("memory-runtime")));
  }

  /** A runtime whose timers and events run on {@code timers} (which it shuts down when closed). */
  public InMemoryRuntime(ScheduledExecutorService timers) {
    this.timers = timers;
    this.events = new SerialExecutor(timers);
  }

  // ---- scripting, for tests ----

  /** Containers of this image behave as {@code script} (later calls win over earlier ones). */
  public void script(String image, ContainerScript script) {
    script(config -> config.image().equals(image) ? script : null);
  }

  /** Containers for which {@code chooser} returns a script behave as it says (later calls win). */
  public void script(Function<ContainerConfig, ContainerScript> chooser) {
    synchronized (lock) {
      scripts.add(0, chooser);
    }
  }

  /** Makes an image present without a pull. */
  public void addImage(String image) {
    synchronized (lock) {
      images.add(image);
    }
  }

  /** Pulls of this image fail with {@code message} (as a registry that lacks it would). */
  public void refusePulls(String image, String message) {
    synchronized (lock) {
      refusedPulls.put(image, message);
    }
  }

  /** How many times a pull of this image was asked for, failed or not. */
  public int pullCount(String image) {
    synchronized (lock) {
      return pulls.getOrDefault(image, 0);
    }
  }

  /** Every sandbox created from now on gets this IP (e.g. 127.0.0.1, so probes can reach a test's server). */
  public void usePodIp(String ip) {
    synchronized (lock) {
      fixedPodIp = ip;
    }
  }

  /** Appends to a container's log, as if it wrote {@code text}. */
  public void write(String containerId, LogSink.Stream stream, String text) {
    container(containerId).log.write(Instant.now(), stream, text);
  }

  /** Makes a running container exit now with {@code code}, as if it crashed. */
  public void exit(String containerId, int code) {
    finish(container(containerId), code, false);
  }

  /** Makes a running container die now as the OOM killer's victim. */
  public void oomKill(String containerId) {
    finish(container(containerId), ContainerScript.SIGKILL_EXIT_CODE, true);
  }

  /** The config a container was created with, as the agent asked for it. */
  public ContainerConfig config(String containerId) {
    return container(containerId).config;
  }

  /** The config a sandbox was created with. */
  public SandboxConfig sandboxConfig(String sandboxId) {
    synchronized (lock) {
      MemorySandbox sandbox = sandboxes.get(sandboxId);
      if (sandbox == null) {
        throw new RuntimeError(RuntimeError.Kind.NOT_FOUND, "no pod with id " + sandboxId);
      }
      return sandbox.config;
    }
  }

  // ---- sandboxes ----

  @Override
  public String createSandbox(SandboxConfig config) {
    synchronized (lock) {
      for (MemorySandbox other : sandboxes.values()) {
        if (other.config.name().equals(config.name())) {
          throw new RuntimeError(RuntimeError.Kind.CONFLICT, "a pod named " + config.name() + " already exists");
        }
        for (SandboxConfig.PortMapping port : config.portMappings()) {
          boolean taken = other.running && other.config.portMappings().stream()
              .anyMatch(p -> p.hostPort() == port.hostPort() && p.protocol().equalsIgnoreCase(port.protocol()));
          if (port.hostPort() > 0 && taken) {
            throw new RuntimeError(RuntimeError.Kind.CONFLICT, "host port " + port.hostPort() + " is already in use");
          }
        }
      }
      String ip = fixedPodIp != null ? fixedPodIp : "10.88." + (nextIp / 250) + "." + (nextIp % 250 + 2);
      nextIp++;
      MemorySandbox sandbox = new MemorySandbox(newId(), config, ip);
      sandboxes.put(sandbox.id, sandbox);
      return sandbox.id;
    }
  }

  @Override
  public void stopSandbox(String sandboxId, Duration grace) {
    List<MemoryContainer> members;
    synchronized (lock) {
      if (!sandboxes.containsKey(sandboxId)) {
        throw new RuntimeError(RuntimeError.Kind.NOT_FOUND, "no pod with id " + sandboxId);
      }
      members = containers.values().stream().filter(c -> c.sandboxId.equals(sandboxId)).toList();
    }
    List<Thread> stops = new ArrayList<>();
    for (MemoryContainer member : members) {
      Thread stop = DaemonThreads.thread("memory-runtime-stop", () -> stop(member, grace));
      stop.start();
      stops.add(stop);
    }
    for (Thread stop : stops) {
      try {
        stop.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new RuntimeError(RuntimeError.Kind.ENGINE, "interrupted while stopping pod " + sandboxId, e);
      }
    }
    synchronized (lock) {
      MemorySandbox sandbox = sandboxes.get(sandboxId);
      if (sandbox != null) {
        sandbox.running = false;
      }
    }
  }

  @Override
  public void removeSandbox(String sandboxId) {
    List<MemoryContainer> members;
    synchronized (lock) {
      members = containers.values().stream().filter(c -> c.sandboxId.equals(sandboxId)).toList();
    }
    members.forEach(c -> removeContainer(c.id));
    synchronized (lock) {
      sandboxes.remove(sandboxId);
    }
  }

  @Override
  public List<SandboxStatus> listSandboxes() {
    synchronized (lock) {
      return sandboxes.values().stream().map(MemorySandbox::status).toList();
    }
  }

  // ---- containers ----

  @Override
  public String createContainer(String sandboxId, ContainerConfig config) {
    synchronized (lock) {
      if (!sandboxes.containsKey(sandboxId)) {
        throw new RuntimeError(RuntimeError.Kind.NOT_FOUND, "no pod with id " + sandboxId);
      }
      if (!images.contains(config.image())) {
        throw new RuntimeError(RuntimeError.Kind.NOT_FOUND, config.image() + ": image not known");
      }
      if (containers.values().stream().anyMatch(c -> c.config.name().equals(config.name()))) {
        throw new RuntimeError(RuntimeError.Kind.CONFLICT, "the container name " + config.name() + " is already in use");
      }
      MemoryContainer container = new MemoryContainer(newId(), sandboxId, config, scriptFor(config), imageId(config.image()));
      containers.put(container.id, container);
      emit(RuntimeEvent.Type.CREATED, container);
      return container.id;
    }
  }

  private ContainerScript scriptFor(ContainerConfig config) {
    for (Function<ContainerConfig, ContainerScript> chooser : scripts) {
      ContainerScript script = chooser.apply(config);
      if (script != null) {
        return script;
      }
    }
    return ContainerScript.runs();
  }

  @Override
  public void startContainer(String containerId) {
    synchronized (lock) {
      MemoryContainer container = container(containerId);
      MemorySandbox sandbox = sandboxes.get(container.sandboxId);
      if (sandbox == null || !sandbox.running) {
        throw new RuntimeError(RuntimeError.Kind.ENGINE, "the pod of container " + container.config.name() + " is not running");
      }
      if (container.state == ContainerStatus.State.RUNNING) {
        return;
      }
      container.start(Instant.now());
      ContainerScript script = container.script;
      script.output().forEach(line -> container.log.write(Instant.now(), LogSink.Stream.STDOUT, line));
      if (script.exitAfter() != null) {
        container.timer = timers.schedule(() -> finish(container, script.exitCode(), script.oomKilled()),
            script.exitAfter().toMillis(), TimeUnit.MILLISECONDS);
      }
      emit(RuntimeEvent.Type.STARTED, container);
    }
  }

  @Override
  public void stopContainer(String containerId, Duration grace) {
    MemoryContainer container;
    synchronized (lock) {
      container = containers.get(containerId);
    }
    if (container == null) {
      throw new RuntimeError(RuntimeError.Kind.NOT_FOUND, "no container with id " + containerId);
    }
    stop(container, grace);
  }

  /** SIGTERM as the script takes it, then SIGKILL when the grace period is over; returns once it has exited. */
  private void stop(MemoryContainer container, Duration grace) {
    CountDownLatch exited;
    synchronized (lock) {
      if (container.state != ContainerStatus.State.RUNNING) {
        return;
      }
      exited = container.exited;
      Duration delay = container.script.sigtermDelay();
      if (delay != null && delay.compareTo(grace) <= 0) {
        timers.schedule(() -> finish(container, ContainerScript.SIGTERM_EXIT_CODE, false), delay.toMillis(),
            TimeUnit.MILLISECONDS);
      }
    }
    try {
      if (!exited.await(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        finish(container, ContainerScript.SIGKILL_EXIT_CODE, false);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      finish(container, ContainerScript.SIGKILL_EXIT_CODE, false);
    }
  }

  private void finish(MemoryContainer container, int code, boolean oom) {
    synchronized (lock) {
      if (container.state != ContainerStatus.State.RUNNING) {
        return;
      }
      container.finish(Instant.now(), code, oom);
      emit(RuntimeEvent.Type.EXITED, container);
    }
  }

  @Override
  public void removeContainer(String containerId) {
    synchronized (lock) {
      MemoryContainer container = containers.get(containerId);
      if (container == null) {
        return;
      }
      if (container.state == ContainerStatus.State.RUNNING) {
        container.finish(Instant.now(), ContainerScript.SIGKILL_EXIT_CODE, false);
        emit(RuntimeEvent.Type.EXITED, container);
      }
      containers.remove(containerId);
      emit(RuntimeEvent.Type.REMOVED, container);
    }
  }

  @Override
  public List<ContainerStatus> listContainers() {
    synchronized (lock) {
      return containers.values().stream().map(MemoryContainer::status).toList();
    }
  }

  @Override
  public Optional<ContainerStatus> inspectContainer(String containerId) {
    synchronized (lock) {
      return Optional.ofNullable(containers.get(containerId)).map(MemoryContainer::status);
    }
  }

  @Override
  public ExecResult exec(String containerId, List<String> command, Duration timeout) {
    ContainerScript script;
    synchronized (lock) {
      MemoryContainer container = container(containerId);
      if (container.state != ContainerStatus.State.RUNNING) {
        throw new RuntimeError(RuntimeError.Kind.CONFLICT, "container " + container.config.name() + " is not running");
      }
      script = container.script;
    }
    return script.exec().apply(List.copyOf(command));
  }

  // ---- images, logs, events ----

  @Override
  public boolean imageExists(String image) {
    synchronized (lock) {
      return images.contains(image);
    }
  }

  @Override
  public void pullImage(String image) {
    synchronized (lock) {
      pulls.merge(image, 1, Integer::sum);
      String refusal = refusedPulls.get(image);
      if (refusal != null) {
        throw new RuntimeError(RuntimeError.Kind.IMAGE_PULL, refusal);
      }
      images.add(image);
    }
  }

  @Override
  public void logs(String containerId, LogOptions options, LogSink sink) {
    container(containerId).log.read(options, sink);
  }

  @Override
  public Subscription subscribe(Consumer<RuntimeEvent> listener) {
    listeners.add(listener);
    return () -> listeners.remove(listener);
  }

  @Override
  public String version() {
    return "in-memory 1.0";
  }

  /** Stops the runtime's timers; containers that "run" stop changing. */
  @Override
  public void close() {
    timers.shutdownNow();
  }

  private MemoryContainer container(String containerId) {
    synchronized (lock) {
      MemoryContainer container = containers.get(containerId);
      if (container == null) {
        throw new RuntimeError(RuntimeError.Kind.NOT_FOUND, "no container with id " + containerId);
      }
      return container;
    }
  }

  /** Called under the lock, so events leave in the order of the changes. */
  private void emit(RuntimeEvent.Type type, MemoryContainer container) {
    RuntimeEvent event = new RuntimeEvent(type, container.id, container.config.name(), container.sandboxId,
        container.config.labels(), container.exitCode, java.time.Instant.now());
    events.execute(() -> listeners.forEach(l -> l.accept(event)));
  }

  private static String newId() {
    return UUID.randomUUID().toString().replace("-", "") + UUID.randomUUID().toString().replace("-", "");
  }

  private static String imageId(String image) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(image.getBytes(StandardCharsets.UTF_8));
      return "sha256:" + HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
