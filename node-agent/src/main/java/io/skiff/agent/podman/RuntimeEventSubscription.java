package io.skiff.agent.podman;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

import io.skiff.agent.runtime.ContainerRuntime;
import io.skiff.agent.runtime.RuntimeError;
import io.skiff.agent.runtime.RuntimeEvent;
import io.skiff.agent.runtime.RuntimeLabels;

/**
 * {@link PodmanRuntime#events}: Podman's start and died events of managed containers, and the
 * kernel's OOM kills of them, as {@link RuntimeEvent}s to one listener, which is never called by
 * the two sources' threads at once, nor after {@link #close}. Thread-safe.
 */
final class RuntimeEventSubscription implements ContainerRuntime.Subscription {
  /** Event attributes that are not the container's labels. */
  private static final Set<String> EVENT_ATTRIBUTES = Set.of("name", "image", "podId", "containerExitCode");

  private final PodmanClient podman;
  private final Consumer<RuntimeEvent> listener;
  private final Object lock = new Object();
  private boolean open = true; // guarded by lock
  private Runnable stopOom = () -> { };
  private ContainerRuntime.Subscription podmanEvents = () -> { };

  private RuntimeEventSubscription(PodmanClient podman, Consumer<RuntimeEvent> listener) {
    this.podman = podman;
    this.listener = listener;
  }

  /** Events of the containers that carry every label of {@code scope}. */
  static RuntimeEventSubscription subscribe(PodmanClient podman, KernelOomWatcher oomWatcher,
      Map<String, String> scope, Consumer<RuntimeEvent> listener) {
    RuntimeEventSubscription s = new RuntimeEventSubscription(podman, listener);
    s.stopOom = oomWatcher.onOomKill(id -> s.oomEvent(id).filter(e -> inScope(e, scope)).ifPresent(s::deliver));
    try {
      s.podmanEvents = podman.events(Map.of(
          "type", List.of("container"),
          "event", List.of("start", "died"),
          "label", List.of(RuntimeLabels.MANAGED + "=true")),
          e -> runtimeEvent(e).filter(r -> inScope(r, scope)).ifPresent(s::deliver));
    } catch (RuntimeError e) {
      s.close();
      throw e;
    }
    return s;
  }

  @Override
  public void close() {
    synchronized (lock) {
      if (!open) {
        return;
      }
      open = false;
    }
    stopOom.run();
    podmanEvents.close();
  }

  private void deliver(RuntimeEvent event) {
    synchronized (lock) {
      if (open) {
        listener.accept(event);
      }
    }
  }

  static Optional<RuntimeEvent> runtimeEvent(LibpodJson.Event e) {
    if (e.actor() == null || !"container".equals(e.type())) {
      return Optional.empty();
    }
    RuntimeEvent.Type type = switch (e.action()) {
      case "start" -> RuntimeEvent.Type.STARTED;
      case "died" -> RuntimeEvent.Type.EXITED;
      default -> null;
    };
    Map<String, String> attributes = e.actor().attributes() == null ? Map.of() : e.actor().attributes();
    String name = attributes.getOrDefault("name", "");
    String podId = attributes.getOrDefault("podId", "");
    if (type == null || isInfra(name, podId)) {
      return Optional.empty(); // infra containers carry their pod's labels, but are not the agent's containers
    }
    Map<String, String> labels = new HashMap<>(attributes);
    labels.keySet().removeAll(EVENT_ATTRIBUTES);
    int exitCode = 0;
    try {
      exitCode = Integer.parseInt(attributes.getOrDefault("containerExitCode", "0"));
    } catch (NumberFormatException ignored) {
      // Podman wrote no number: 0 as for other events
    }
    return Optional.of(new RuntimeEvent(type, e.actor().id(), name, podId, Map.copyOf(labels), exitCode,
        Instant.ofEpochSecond(0, e.timeNano())));
  }

  /** An OOM event for a managed container the kernel killed a process of. */
  private Optional<RuntimeEvent> oomEvent(String containerId) {
    LibpodJson.ContainerInspect c;
    try {
      c = podman.inspectContainer(containerId);
    } catch (RuntimeError e) {
      if (e.kind() == RuntimeError.Kind.NOT_FOUND) {
        return Optional.empty();
      }
      throw e;
    }
    if (!"true".equals(c.labels().get(RuntimeLabels.MANAGED))) {
      return Optional.empty();
    }
    return Optional.of(new RuntimeEvent(RuntimeEvent.Type.OOM, c.id(), c.name(), c.pod() == null ? "" : c.pod(),
        c.labels(), c.state() == null ? 0 : c.state().exitCode(), Instant.now()));
  }

  private static boolean inScope(RuntimeEvent event, Map<String, String> scope) {
    return scope.entrySet().stream().allMatch(l -> l.getValue().equals(event.labels().get(l.getKey())));
  }

  /** Podman names a pod's infra container after the first 12 characters of the pod's id. */
  static boolean isInfra(String containerName, String podId) {
    return podId.length() >= 12 && containerName.equals(podId.substring(0, 12) + "-infra");
  }
}
