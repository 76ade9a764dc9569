package io.skiff.agent.podman;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.skiff.agent.runtime.ContainerConfig;
import io.skiff.agent.runtime.RuntimeError;
import io.skiff.agent.runtime.RuntimeLabels;
import io.skiff.agent.runtime.SandboxConfig;

/**
 * A real Podman for tests: the service that scripts/podman-setup.sh starts (socket from
 * SKIFF_PODMAN_SOCKET, default /run/skiff/podman.sock) and its localhost/busybox:latest image.
 * Fails, never skips, when they are missing. Everything a run creates is named after the run and
 * labelled with it, so runs side by side do not meet, and {@link #removeAll} finds it all.
 */
final class PodmanFixture implements AutoCloseable {
  static final String IMAGE = "localhost/busybox:latest";
  static final String RUN_LABEL = "io.skiff.test.run";

  final String run = "t" + UUID.randomUUID().toString().substring(0, 8);
  final PodmanRuntime runtime;

  private PodmanFixture(PodmanRuntime runtime) {
    this.runtime = runtime;
  }

  static Path socket() {
    String env = System.getenv("SKIFF_PODMAN_SOCKET");
    return env == null || env.isEmpty() ? PodmanClient.DEFAULT_SOCKET : Path.of(env);
  }

  static PodmanFixture open() {
    PodmanRuntime runtime = PodmanRuntime.connect(socket(), Duration.ofSeconds(30));
    try {
      runtime.version();
      if (!runtime.imageExists(IMAGE)) {
        fail(IMAGE + " is missing: run scripts/podman-setup.sh (as root) first");
      }
    } catch (RuntimeError e) {
      runtime.close();
      fail("Podman's API does not answer on " + socket() + " (" + e.getMessage()
          + "): run scripts/podman-setup.sh (as root) first");
    }
    return new PodmanFixture(runtime);
  }

  /** A name unique to this run. */
  String name(String what) {
    return "skiff-" + run + "-" + what;
  }

  Map<String, String> labels(String pod) {
    Map<String, String> labels = new HashMap<>();
    labels.put(RUN_LABEL, run);
    labels.put(RuntimeLabels.POD_UID, "uid-" + pod);
    labels.put(RuntimeLabels.POD_NAME, pod);
    labels.put(RuntimeLabels.POD_NAMESPACE, "test");
    return labels;
  }

  /** A running sandbox. */
  String sandbox(String pod, SandboxConfig.PortMapping... ports) {
    return runtime.createSandbox(new SandboxConfig(name(pod), labels(pod), pod, List.of(ports)));
  }

  ContainerConfig container(String pod, String container, long memoryLimit, List<String> command) {
    Map<String, String> labels = labels(pod);
    labels.put(RuntimeLabels.CONTAINER_NAME, container);
    labels.put(RuntimeLabels.ATTEMPT, "0");
    return new ContainerConfig(name(pod + "-" + container), IMAGE, command, List.of(), Map.of("GREETING", "hello"),
        "/tmp", memoryLimit, 0, labels);
  }

  /** Creates and starts a container running {@code sh -c script}. */
  String run(String sandbox, String pod, String container, String script) {
    String id = runtime.createContainer(sandbox, container(pod, container, 0, List.of("sh", "-c", script)));
    runtime.startContainer(id);
    return id;
  }

  static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Removes every pod and container of this run. */
  void removeAll() {
    Map<String, String> mine = Map.of(RUN_LABEL, run);
    PodmanClient client = runtime.client();
    for (var p : client.listPods(mine)) {
      runtime.removeSandbox(p.id());
    }
    for (var c : client.listContainers(mine)) {
      runtime.removeContainer(c.id());
    }
  }

  @Override
  public void close() {
    try {
      removeAll();
    } finally {
      runtime.close();
    }
  }
}
