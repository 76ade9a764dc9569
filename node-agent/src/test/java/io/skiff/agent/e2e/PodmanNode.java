package io.skiff.agent.e2e;

import static org.junit.jupiter.api.Assertions.fail;

import io.skiff.agent.runtime.RuntimeError;
import io.skiff.agent.podman.PodmanClient;
import io.skiff.agent.podman.PodmanRuntime;
import io.skiff.agent.runtime.RuntimeLabels;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The real Podman of an end-to-end test's node: the service scripts/podman-setup.sh starts (socket
 * from SKIFF_PODMAN_SOCKET, default /run/skiff/podman.sock) and its localhost/busybox:latest image.
 * Fails, never skips, when they are missing. The node's name is unique to the run; the agent labels
 * everything it creates with it ({@code io.skiff.node}), so {@link #removeAll} finds exactly this
 * test's pods and containers, and runs side by side do not meet.
 */
public final class PodmanNode implements AutoCloseable {
  public static final String IMAGE = "localhost/busybox:latest";

  public final String run = UUID.randomUUID().toString().substring(0, 8);
  public final String node = "e2e-" + run;
  /** A client of the same socket, for the test's own looks at the engine. */
  public final PodmanClient podman;

  private PodmanNode(PodmanClient podman) {
    this.podman = podman;
  }

  public static Path socket() {
    String env = System.getenv("SKIFF_PODMAN_SOCKET");
    return env == null || env.isEmpty() ? PodmanClient.DEFAULT_SOCKET : Path.of(env);
  }

  public static PodmanNode open() {
    PodmanClient client = new PodmanClient(socket(), Duration.ofSeconds(30));
    try {
      client.version();
      if (!client.imageExists(IMAGE)) {
        fail(IMAGE + " is missing: run scripts/podman-setup.sh (as root) first");
      }
    } catch (RuntimeError e) {
      client.close();
      fail("Podman's API does not answer on " + socket() + " (" + e.getMessage()
          + "): run scripts/podman-setup.sh (as root) first");
    }
    return new PodmanNode(client);
  }

  /** The agent's runtime for this node, as the agent process opens it. */
  public PodmanRuntime runtime() {
    return PodmanRuntime.connect(socket(), Duration.ofSeconds(60), node);
  }

  /** A pod name unique to the run. */
  public String name(String what) {
    return what + "-" + run;
  }

  private Map<String, String> mine() {
    return Map.of(RuntimeLabels.NODE, node);
  }

  /** This node's Podman pods (sandboxes) of the Skiff pod {@code name}. */
  public List<LibpodPod> pods(String name) {
    return podman.listPods(mine()).stream().filter(p -> p.labels() != null
        && name.equals(p.labels().get(RuntimeLabels.POD_NAME))).map(p -> new LibpodPod(p.id(), p.name())).toList();
  }

  /** This node's containers of the Skiff pod {@code name}, infra containers included. */
  public List<LibpodContainer> containers(String name) {
    return podman.listContainers(mine()).stream().filter(c -> c.labels() != null
        && name.equals(c.labels().get(RuntimeLabels.POD_NAME)))
        .map(c -> new LibpodContainer(c.id(), c.infra(), c.state())).toList();
  }

  /** The non-infra containers of the Skiff pod {@code name}. */
  public List<LibpodContainer> appContainers(String name) {
    return containers(name).stream().filter(c -> !c.infra()).toList();
  }

  public record LibpodPod(String id, String name) {
  }

  public record LibpodContainer(String id, boolean infra, String state) {
  }

  public static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Removes every Podman pod and container of this node. */
  public void removeAll() {
    for (var c : podman.listContainers(mine())) {
      if (!c.infra()) {
        try {
          podman.removeContainer(c.id(), true);
        } catch (RuntimeError gone) {
          // removed meanwhile
        }
      }
    }
    for (var p : podman.listPods(mine())) {
      try {
        podman.removePod(p.id(), true);
      } catch (RuntimeError gone) {
        // removed meanwhile
      }
    }
  }

  @Override
  public void close() {
    try {
      removeAll();
    } finally {
      podman.close();
    }
  }
}
