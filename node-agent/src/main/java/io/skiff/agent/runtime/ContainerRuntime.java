package io.skiff.agent.runtime;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * What the agent needs from a container engine, in the spirit of Kubernetes'
 * CRI: sandboxes (one per pod; its containers share the sandbox's network
 * namespace), containers, images, exec and logs. Podman implements it over its
 * REST API; an in-memory implementation serves logic tests and hollow nodes.
 *
 * <p>Everything the agent creates carries the labels in {@link RuntimeLabels}, so
 * after a restart it finds its own sandboxes and containers again. Methods
 * throw {@link RuntimeException}s of type {@link RuntimeError} carrying the
 * engine's message. Thread-safe.
 */
public interface ContainerRuntime {
  /** Creates (and starts) a sandbox; returns its id. */
  String createSandbox(SandboxConfig config);

  /** Stops every container in the sandbox (SIGTERM, then SIGKILL after {@code grace}) and the sandbox; returns once they have stopped. */
  void stopSandbox(String sandboxId, Duration grace);

  /** Removes a stopped sandbox and its containers; a missing one is not an error. */
  void removeSandbox(String sandboxId);

  /** Sandboxes carrying the agent's labels. */
  List<SandboxStatus> listSandboxes();

  /**
   * Those of {@link #listSandboxes} that also carry every one of {@code labels}: one pod's, for
   * instance. An engine that can filter should, so that a pod's sync costs the same with 1 pod or 100.
   */
  default List<SandboxStatus> listSandboxes(Map<String, String> labels) {
    return listSandboxes().stream().filter(s -> carries(s.labels(), labels)).toList();
  }

  /** Creates a container in a sandbox (not started); returns its id. */
  String createContainer(String sandboxId, ContainerConfig config);

  void startContainer(String containerId);

  /** SIGTERM, then SIGKILL after {@code grace}; returns once it has stopped. A stopped container is not an error. */
  void stopContainer(String containerId, Duration grace);

  /** Removes a container (killing it if it still runs); a missing one is not an error. */
  void removeContainer(String containerId);

  /** Containers carrying the agent's labels, running or not. */
  List<ContainerStatus> listContainers();

  /** Those of {@link #listContainers} that also carry every one of {@code labels}; see {@link #listSandboxes(Map)}. */
  default List<ContainerStatus> listContainers(Map<String, String> labels) {
    return listContainers().stream().filter(c -> carries(c.labels(), labels)).toList();
  }

  /** Whether {@code labels} has every entry of {@code wanted}. */
  static boolean carries(Map<String, String> labels, Map<String, String> wanted) {
    return wanted.entrySet().stream().allMatch(w -> w.getValue().equals(labels.get(w.getKey())));
  }

  Optional<ContainerStatus> inspectContainer(String containerId);

  /** Runs a command in a running container (for exec probes). */
  ExecResult exec(String containerId, List<String> command, Duration timeout);

  boolean imageExists(String image);

  /** Pulls an image; fails with {@link RuntimeError.Kind#IMAGE_PULL} when it cannot. */
  void pullImage(String image);

  /**
   * Streams a container's log to {@code sink} until it ends (or, following, until the container stops,
   * the sink says stop, or the calling thread is interrupted: a follower whose reader went away
   * while the container writes nothing is ended that way).
   */
  void logs(String containerId, LogOptions options, LogSink sink);

  /**
   * Calls {@code listener} with every event of the containers the agent manages (those with
   * {@link RuntimeLabels#MANAGED}) from now on, in the engine's order, never by two threads at
   * once; a listener must not block. Exits are so noticed within about a second, not by polling.
   * When the engine's stream breaks the runtime reconnects, and events in the gap may be lost:
   * a caller also lists now and then.
   */
  Subscription subscribe(Consumer<RuntimeEvent> listener);

  /** Name and version of the engine, for the node's status: "podman 4.3.1". */
  String version();

  /** Ends a {@link #subscribe} subscription; closing twice is harmless. */
  interface Subscription extends AutoCloseable {
    @Override
    void close();
  }
}
