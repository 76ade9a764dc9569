package io.skiff.agent.podman;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import com.fasterxml.jackson.core.type.TypeReference;
import io.skiff.agent.runtime.ContainerRuntime;
import io.skiff.agent.runtime.ExecResult;
import io.skiff.agent.runtime.LogOptions;
import io.skiff.agent.runtime.LogSink;
import io.skiff.agent.runtime.RuntimeError;
import io.skiff.agent.runtime.RuntimeError.Kind;

/**
 * Podman's libpod REST API (v4.0.0) over its unix socket: pods, containers, exec, images, logs,
 * events and version, in Podman's own terms ({@link LibpodJson}). Errors are
 * {@link RuntimeError}s carrying Podman's message: 404 NOT_FOUND, 409 CONFLICT, a failed pull
 * IMAGE_PULL, an unreachable socket or a request not answered in time UNAVAILABLE, anything else
 * ENGINE. Thread-safe.
 */
public final class PodmanClient implements Closeable {
  /** Where scripts/podman-setup.sh starts the service. */
  public static final Path DEFAULT_SOCKET = Path.of("/run/skiff/podman.sock");
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(60);
  /** How long a pull may take in all. */
  private static final Duration PULL_TIMEOUT = Duration.ofMinutes(10);

  private final PodmanTransport transport;

  public PodmanClient(Path socket, Duration requestTimeout) {
    this.transport = new PodmanTransport(socket, requestTimeout);
  }

  public Path socket() {
    return transport.socket();
  }

  /** Podman's version, e.g. "4.3.1". */
  public String version() {
    return transport.request("GET", "version").send(LibpodJson.Version.class).version();
  }

  @Override
  public void close() {
    transport.close();
  }

  // ---- pods ---------------------------------------------------------------------------------

  /** Creates a pod (with its infra container, which holds the network namespace); returns its id. */
  public String createPod(LibpodJson.PodCreate spec) {
    return transport.request("POST", "pods", "create").body(spec).send(LibpodJson.IdResponse.class).id();
  }

  /** Starts the pod's containers (at least its infra container); a running pod is left as it is. */
  public void startPod(String nameOrId) {
    transport.request("POST", "pods", nameOrId, "start").send();
  }

  /**
   * Stops the pod's containers: SIGTERM (their stop signal), then SIGKILL after {@code timeout}.
   * Podman 4.3 does this only for a pod whose containers all run (else it answers 304 and does
   * nothing), and takes a zero timeout as its default of 10 s: {@link PodmanRuntime} stops the
   * containers one by one instead.
   */
  public void stopPod(String nameOrId, Duration timeout) {
    transport.request("POST", "pods", nameOrId, "stop")
        .param("t", seconds(timeout))
        .extraTime(timeout)
        .send();
  }

  public void killPod(String nameOrId, String signal) {
    transport.request("POST", "pods", nameOrId, "kill").param("signal", signal).send();
  }

  /** Removes the pod; {@code force} stops and removes its containers first. */
  public void removePod(String nameOrId, boolean force) {
    transport.request("DELETE", "pods", nameOrId).param("force", force).send();
  }

  public LibpodJson.PodInspect inspectPod(String nameOrId) {
    return transport.request("GET", "pods", nameOrId, "json").send(LibpodJson.PodInspect.class);
  }

  /** Pods carrying all these labels. */
  public List<LibpodJson.PodListEntry> listPods(Map<String, String> labels) {
    byte[] body = transport.request("GET", "pods", "json").jsonParam("filters", labelFilter(labels)).send().body();
    return read(body, new TypeReference<>() { });
  }

  // ---- containers ---------------------------------------------------------------------------

  /** Creates a container (in a pod when the spec names one); returns its id. */
  public String createContainer(LibpodJson.ContainerCreate spec) {
    return transport.request("POST", "containers", "create").body(spec).send(LibpodJson.IdResponse.class).id();
  }

  /** Starts it; a running container is left as it is (Podman answers 304). */
  public void startContainer(String nameOrId) {
    transport.request("POST", "containers", nameOrId, "start").send();
  }

  /** SIGTERM (its stop signal), then SIGKILL after {@code timeout}; a stopped one is left as it is. */
  public void stopContainer(String nameOrId, Duration timeout) {
    transport.request("POST", "containers", nameOrId, "stop")
        .param("timeout", seconds(timeout))
        .extraTime(timeout)
        .send();
  }

  public void killContainer(String nameOrId, String signal) {
    transport.request("POST", "containers", nameOrId, "kill").param("signal", signal).send();
  }

  /**
   * Removes it and its anonymous volumes; {@code force} kills it first when it runs (at once:
   * without a timeout Podman would wait 10 s for a process that ignores SIGTERM).
   */
  public void removeContainer(String nameOrId, boolean force) {
    var request = transport.request("DELETE", "containers", nameOrId).param("force", force).param("v", true);
    if (force) {
      request.param("timeout", 0);
    }
    request.send();
  }

  public LibpodJson.ContainerInspect inspectContainer(String nameOrId) {
    return transport.request("GET", "containers", nameOrId, "json").send(LibpodJson.ContainerInspect.class);
  }

  /** All containers (running or not) carrying all these labels. */
  public List<LibpodJson.ContainerListEntry> listContainers(Map<String, String> labels) {
    byte[] body = transport.request("GET", "containers", "json")
        .param("all", true)
        .jsonParam("filters", labelFilter(labels))
        .send().body();
    return read(body, new TypeReference<>() { });
  }

  // ---- exec ---------------------------------------------------------------------------------

  /**
   * Runs {@code command} in a running container and waits for it: stdout and stderr as they
   * interleave, cut after {@code maxOutput} bytes. Past {@code timeout} it fails with UNAVAILABLE
   * (the process may go on inside the container: Podman cannot kill an exec session).
   */
  public ExecResult exec(String containerId, List<String> command, Duration timeout, int maxOutput) {
    String execId = transport.request("POST", "containers", containerId, "exec")
        .body(new LibpodJson.ExecCreate(command, true, true))
        .send(LibpodJson.IdResponse.class).id();
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    try (var stream = transport.request("POST", "exec", execId, "start")
        .body(new LibpodJson.ExecStart(false, false))
        .open(timeout)) {
      FrameReader frames = new FrameReader(stream.body());
      try {
        for (FrameReader.Chunk chunk; (chunk = frames.next()) != null; ) {
          output.write(chunk.data(), 0, Math.max(0, Math.min(chunk.data().length, maxOutput - output.size())));
        }
      } catch (IOException e) {
        if (!stream.expired()) {
          throw stream.failure(e);
        }
      }
      // the deadline closes the connection, which may read as the end of the output
      if (stream.expired()) {
        throw new RuntimeError(Kind.UNAVAILABLE, "exec " + command + " in " + containerId
            + " did not finish within " + timeout.toMillis() + " ms");
      }
    }
    var inspect = transport.request("GET", "exec", execId, "json").send(LibpodJson.ExecInspect.class);
    return new ExecResult(inspect.exitCode(), output.toString(StandardCharsets.UTF_8));
  }

  // ---- images -------------------------------------------------------------------------------

  public boolean imageExists(String reference) {
    try {
      transport.request("GET", "images", reference, "exists").send();
      return true;
    } catch (RuntimeError e) {
      if (e.kind() == Kind.NOT_FOUND) {
        return false;
      }
      throw e;
    }
  }

  /**
   * Pulls an image (always asking the registry); returns its id. Podman answers 200 and then
   * reports progress and errors in the body, one JSON object a line.
   */
  public String pullImage(String reference) {
    try (var stream = transport.request("POST", "images", "pull")
        .param("reference", reference)
        .param("policy", "always")
        .open(PULL_TIMEOUT)) {
      var lines = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8));
      String id = null;
      for (String line; (line = lines.readLine()) != null; ) {
        if (line.isBlank()) {
          continue;
        }
        var report = transport.json().readValue(line, LibpodJson.PullReport.class);
        if (report.error() != null && !report.error().isEmpty()) {
          throw new RuntimeError(Kind.IMAGE_PULL, report.error().strip());
        }
        if (report.id() != null && !report.id().isEmpty()) {
          id = report.id();
        }
      }
      if (id == null) {
        throw new RuntimeError(Kind.IMAGE_PULL, "Podman reported no image for " + reference);
      }
      return id;
    } catch (IOException e) {
      throw new RuntimeError(Kind.IMAGE_PULL, "pulling " + reference + ": " + e.getMessage(), e);
    } catch (RuntimeError e) {
      if (e.kind() == Kind.UNAVAILABLE || e.kind() == Kind.IMAGE_PULL) {
        throw e;
      }
      throw new RuntimeError(Kind.IMAGE_PULL, e.getMessage(), e);
    }
  }

  // ---- logs and events ----------------------------------------------------------------------

  /**
   * Streams a container's log to {@code sink}, stdout and stderr apart, until the log ends (when
   * following: until the container stops) or the sink returns false.
   */
  public void logs(String containerId, LogOptions options, LogSink sink) {
    var request = transport.request("GET", "containers", containerId, "logs")
        .param("stdout", true)
        .param("stderr", true)
        .param("follow", options.follow())
        .param("timestamps", options.timestamps());
    if (options.tailLines() >= 0) {
      request.param("tail", options.tailLines());
    }
    if (options.since() != null) {
      request.param("since", options.since().toString());
    }
    try (var stream = request.open(null)) {
      FrameReader frames = new FrameReader(stream.body());
      try {
        for (FrameReader.Chunk chunk; (chunk = frames.next()) != null; ) {
          if (!sink.accept(chunk.stream(), chunk.data())) {
            return;
          }
        }
      } catch (IOException e) {
        throw stream.failure(e);
      }
    }
  }

  /**
   * Subscribes to Podman's events matching {@code filters} (Podman's names: type, event, label,
   * container, pod; values OR within a name, AND across names).
   */
  public ContainerRuntime.Subscription events(Map<String, List<String>> filters, Consumer<LibpodJson.Event> listener) {
    return PodmanEvents.subscribe(transport, filters, listener);
  }

  // ---- helpers ------------------------------------------------------------------------------

  private static Map<String, List<String>> labelFilter(Map<String, String> labels) {
    return Map.of("label", labels.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList());
  }

  /** Podman's timeouts are whole seconds: a part of a second counts as one. */
  private static long seconds(Duration d) {
    return d.isNegative() ? 0 : d.plusNanos(999_999_999).getSeconds();
  }

  private <T> T read(byte[] body, TypeReference<T> type) {
    try {
      return transport.json().readValue(body, type);
    } catch (IOException e) {
      throw new RuntimeError(Kind.ENGINE, "unexpected answer from Podman: "
          + new String(Arrays.copyOf(body, Math.min(body.length, 500)), StandardCharsets.UTF_8), e);
    }
  }
}
