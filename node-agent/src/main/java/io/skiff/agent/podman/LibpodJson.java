package io.skiff.agent.podman;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The JSON shapes of the libpod API (v4) that Skiff reads and writes, with Podman's field names.
 * Only the fields Skiff uses are here; unknown fields are ignored. Requests leave out empty fields,
 * so Podman applies its defaults (and the project's containers.conf) to them.
 */
public final class LibpodJson {
  private LibpodJson() {
  }

  // ---- requests -----------------------------------------------------------------------------

  /** POST /pods/create (a PodSpecGenerator). */
  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  public record PodCreate(
      String name,
      String hostname,
      Map<String, String> labels,
      @JsonProperty("portmappings") List<PortMapping> portMappings) {
  }

  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  public record PortMapping(
      @JsonProperty("container_port") int containerPort,
      @JsonProperty("host_port") int hostPort,
      String protocol,
      @JsonProperty("host_ip") String hostIp) {
  }

  /** POST /containers/create (a SpecGenerator). */
  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  public record ContainerCreate(
      String name,
      String image,
      String pod,
      List<String> entrypoint,
      List<String> command,
      Map<String, String> env,
      @JsonProperty("work_dir") String workDir,
      Map<String, String> labels,
      @JsonProperty("resource_limits") Resources resources) {
  }

  /** The OCI runtime spec's LinuxResources, as much as Skiff sets. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Resources(Memory memory, Cpu cpu) {
  }

  /** @param swap memory plus swap; equal to {@code limit} for no swap (as Kubernetes) */
  public record Memory(long limit, long swap) {
  }

  public record Cpu(long quota, long period) {
  }

  /** POST /containers/{id}/exec. */
  public record ExecCreate(
      @JsonProperty("Cmd") List<String> cmd,
      @JsonProperty("AttachStdout") boolean attachStdout,
      @JsonProperty("AttachStderr") boolean attachStderr) {
  }

  /** POST /exec/{id}/start. */
  public record ExecStart(@JsonProperty("Detach") boolean detach, @JsonProperty("Tty") boolean tty) {
  }

  // ---- responses ----------------------------------------------------------------------------

  @JsonIgnoreProperties(ignoreUnknown = true)
  public record IdResponse(@JsonProperty("Id") String id) {
  }

  /** GET /pods/json. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record PodListEntry(
      @JsonProperty("Id") String id,
      @JsonProperty("Name") String name,
      @JsonProperty("Status") String status,
      @JsonProperty("Labels") Map<String, String> labels,
      @JsonProperty("InfraId") String infraId,
      @JsonProperty("Containers") List<PodContainer> containers) {

    /** Whether the pod's infra container runs. */
    public boolean infraRunning() {
      return containers != null
          && containers.stream().anyMatch(c -> c.id().equals(infraId) && "running".equals(c.status()));
    }
  }

  @JsonIgnoreProperties(ignoreUnknown = true)
  public record PodContainer(@JsonProperty("Id") String id, @JsonProperty("Status") String status) {
  }

  /** GET /pods/{name}/json. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record PodInspect(
      @JsonProperty("Id") String id,
      @JsonProperty("Name") String name,
      @JsonProperty("State") String state,
      @JsonProperty("Hostname") String hostname,
      @JsonProperty("Labels") Map<String, String> labels,
      @JsonProperty("InfraContainerID") String infraContainerId,
      @JsonProperty("Containers") List<PodInspectContainer> containers) {
  }

  @JsonIgnoreProperties(ignoreUnknown = true)
  public record PodInspectContainer(
      @JsonProperty("Id") String id,
      @JsonProperty("Name") String name,
      @JsonProperty("State") String state) {
  }

  /** GET /containers/json. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record ContainerListEntry(
      @JsonProperty("Id") String id,
      @JsonProperty("Names") List<String> names,
      @JsonProperty("IsInfra") boolean infra,
      @JsonProperty("Pod") String pod,
      @JsonProperty("State") String state,
      @JsonProperty("Labels") Map<String, String> labels) {
  }

  /** GET /containers/{name}/json. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record ContainerInspect(
      @JsonProperty("Id") String id,
      @JsonProperty("Name") String name,
      @JsonProperty("Pod") String pod,
      @JsonProperty("Image") String imageId,
      @JsonProperty("ImageName") String imageName,
      @JsonProperty("IsInfra") boolean infra,
      @JsonProperty("State") ContainerState state,
      @JsonProperty("Config") ContainerConfig config,
      @JsonProperty("NetworkSettings") NetworkSettings networkSettings) {

    public Map<String, String> labels() {
      return config == null || config.labels() == null ? Map.of() : config.labels();
    }

    /** The container's first IPv4 address on any network, or "". */
    public String ipAddress() {
      if (networkSettings == null) {
        return "";
      }
      if (networkSettings.ipAddress() != null && !networkSettings.ipAddress().isEmpty()) {
        return networkSettings.ipAddress();
      }
      if (networkSettings.networks() != null) {
        for (Network n : networkSettings.networks().values()) {
          if (n.ipAddress() != null && !n.ipAddress().isEmpty()) {
            return n.ipAddress();
          }
        }
      }
      return "";
    }
  }

  /**
   * @param status configured, created, running, stopping, stopped, paused, exited, removing
   * @param oomKilled as Podman records it (Podman 4.3 with conmon 2.1 never sets it: see
   *     {@link KernelOomWatcher})
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record ContainerState(
      @JsonProperty("Status") String status,
      @JsonProperty("Running") boolean running,
      @JsonProperty("OOMKilled") boolean oomKilled,
      @JsonProperty("Pid") int pid,
      @JsonProperty("ExitCode") int exitCode,
      @JsonProperty("StartedAt") String startedAt,
      @JsonProperty("FinishedAt") String finishedAt) {
  }

  @JsonIgnoreProperties(ignoreUnknown = true)
  public record ContainerConfig(@JsonProperty("Labels") Map<String, String> labels) {
  }

  @JsonIgnoreProperties(ignoreUnknown = true)
  public record NetworkSettings(
      @JsonProperty("IPAddress") String ipAddress,
      @JsonProperty("Networks") Map<String, Network> networks) {
  }

  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Network(@JsonProperty("IPAddress") String ipAddress) {
  }

  /** GET /exec/{id}/json. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record ExecInspect(@JsonProperty("ExitCode") int exitCode, @JsonProperty("Running") boolean running) {
  }

  /** GET /version (also lists the components: conmon, the OCI runtime). */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Version(@JsonProperty("Version") String version, @JsonProperty("ApiVersion") String apiVersion) {
  }

  /** One line of GET /events. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Event(
      @JsonProperty("Type") String type,
      @JsonProperty("Action") String action,
      @JsonProperty("Actor") Actor actor,
      @JsonProperty("timeNano") long timeNano) {
  }

  /** @param attributes the container's labels, and name, image, podId, containerExitCode */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Actor(@JsonProperty("ID") String id, @JsonProperty("Attributes") Map<String, String> attributes) {
  }

  /** One line of POST /images/pull: progress, an error, or the pulled image's id. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record PullReport(String stream, String error, String id) {
  }

  /** Podman's error body. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Error(String cause, String message, int response) {
  }

  /**
   * A time as Podman writes it (Go's RFC 3339 with nanoseconds), or null for Go's zero time
   * (year 1), which Podman uses for "never", or for no time at all.
   */
  public static Instant time(String text) {
    if (text == null || text.isEmpty()) {
      return null;
    }
    Instant t = OffsetDateTime.parse(text).toInstant();
    return t.getEpochSecond() < 0 ? null : t;
  }
}
