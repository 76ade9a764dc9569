package io.skiff.agent.pods;

import com.google.protobuf.Timestamp;
import io.skiff.agent.probes.ProbeManager;
import io.skiff.agent.runtime.ContainerStatus;
import io.skiff.agent.runtime.SandboxStatus;
import io.skiff.api.v1.Condition;
import io.skiff.api.v1.Container;
import io.skiff.api.v1.ContainerState;
import io.skiff.api.v1.ContainerStateRunning;
import io.skiff.api.v1.ContainerStateTerminated;
import io.skiff.api.v1.ContainerStateWaiting;
import io.skiff.api.v1.Pod;
import io.skiff.api.v1.PodStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A pod's status from what the engine has, the reasons its containers wait, and the probes'
 * verdicts — the kubelet's rules: container states and reasons, the phase, and the four
 * conditions, whose lastTransitionTime moves only when their status does. Timestamps have whole
 * seconds, so that the same situation gives the same status (and no write).
 */
final class PodStatusBuilder {
  private final ProbeManager probes;
  private final String hostIp;
  /** "podman" in "podman://&lt;id&gt;" container ids. */
  private final String idScheme;

  PodStatusBuilder(ProbeManager probes, String hostIp, String idScheme) {
    this.probes = probes;
    this.hostIp = hostIp;
    this.idScheme = idScheme;
  }

  /** {@code base} is the status as last written (for start time, transition times, pod IP). */
  PodStatus build(Pod pod, PodRuntime actual, Map<String, Waiting> waiting, PodStatus base, Instant now) {
    List<io.skiff.api.v1.ContainerStatus> containers = new ArrayList<>();
    for (Container container : pod.getSpec().getContainersList()) {
      containers.add(containerStatus(container, actual.instances(container.getName()),
          waiting.get(container.getName())));
    }
    String phase = phase(pod.getSpec().getRestartPolicy(), containers, base.getPhase());
    List<String> unready = containers.stream().filter(c -> !c.getReady()).map(io.skiff.api.v1.ContainerStatus::getName)
        .toList();
    boolean finished = phase.equals("Succeeded") || phase.equals("Failed");
    Timestamp stamp = seconds(now);
    PodStatus.Builder status = base.toBuilder()
        .setPhase(phase)
        .clearConditions()
        .setHostIp(hostIp)
        .setPodIp(actual.runningSandbox().map(SandboxStatus::ip).filter(ip -> !ip.isEmpty()).orElse(base.getPodIp()))
        .setStartTime(base.hasStartTime() ? base.getStartTime() : stamp)
        .clearContainerStatuses()
        .addAllContainerStatuses(containers)
        .setQosClass(QosClass.of(pod.getSpec()));
    Condition scheduled = find(base, "PodScheduled");
    status.addConditions(scheduled != null ? scheduled
        : condition(base, "PodScheduled", true, "", "", stamp));
    status.addConditions(condition(base, "Initialized", true, "", "", stamp));
    String reason = finished ? "PodCompleted" : unready.isEmpty() ? "" : "ContainersNotReady";
    String message = finished || unready.isEmpty() ? "" : "containers with unready status: " + unready;
    boolean ready = !finished && unready.isEmpty();
    status.addConditions(condition(base, "ContainersReady", ready, reason, message, stamp));
    status.addConditions(condition(base, "Ready", ready, reason, message, stamp));
    return status.build();
  }

  private io.skiff.api.v1.ContainerStatus containerStatus(Container spec, List<ContainerStatus> instances,
      Waiting waiting) {
    io.skiff.api.v1.ContainerStatus.Builder status = io.skiff.api.v1.ContainerStatus.newBuilder()
        .setName(spec.getName()).setImage(spec.getImage()).setReady(false).setStarted(false);
    ContainerStatus latest = instances.isEmpty() ? null : instances.get(0);
    ContainerStatus previous = instances.size() > 1 ? instances.get(1) : null;
    if (latest == null) {
      return status.setState(waiting(waiting)).build();
    }
    status.setRestartCount(PodRuntime.attempt(latest)).setImageId(latest.imageId())
        .setContainerId(idScheme + "://" + latest.id());
    switch (latest.state()) {
      case RUNNING -> {
        status.setState(ContainerState.newBuilder().setRunning(ContainerStateRunning.newBuilder()
            .setStartedAt(seconds(latest.startedAt()))));
        status.setStarted(probes.started(latest.id())).setReady(probes.ready(latest.id()));
        if (previous != null) {
          status.setLastState(terminated(previous));
        }
      }
      case EXITED -> {
        if (waiting != null) {
          status.setState(waiting(waiting)).setLastState(terminated(latest));
        } else {
          status.setState(terminated(latest));
          if (previous != null) {
            status.setLastState(terminated(previous));
          }
        }
      }
      default -> {
        status.setState(waiting(waiting));
        if (previous != null) {
          status.setLastState(terminated(previous));
        }
      }
    }
    return status.build();
  }

  private static ContainerState waiting(Waiting waiting) {
    Waiting w = waiting != null ? waiting : Waiting.of("ContainerCreating", "");
    return ContainerState.newBuilder().setWaiting(ContainerStateWaiting.newBuilder().setReason(w.reason())
        .setMessage(w.message())).build();
  }

  private ContainerState terminated(ContainerStatus instance) {
    String reason = instance.oomKilled() ? "OOMKilled" : instance.exitCode() == 0 ? "Completed" : "Error";
    ContainerStateTerminated.Builder terminated = ContainerStateTerminated.newBuilder()
        .setExitCode(instance.exitCode()).setReason(reason).setContainerId(idScheme + "://" + instance.id());
    if (instance.startedAt() != null) {
      terminated.setStartedAt(seconds(instance.startedAt()));
    }
    if (instance.finishedAt() != null) {
      terminated.setFinishedAt(seconds(instance.finishedAt()));
    }
    return ContainerState.newBuilder().setTerminated(terminated).build();
  }

  /**
   * The kubelet's getPhase: waiting containers (never run) keep a pod Pending; one running makes
   * it Running; when all have stopped, the restart policy decides. Succeeded and Failed are final.
   */
  static String phase(String restartPolicy, List<io.skiff.api.v1.ContainerStatus> containers, String previous) {
    if (previous.equals("Succeeded") || previous.equals("Failed")) {
      return previous;
    }
    int waiting = 0;
    int running = 0;
    int stopped = 0;
    int succeeded = 0;
    for (io.skiff.api.v1.ContainerStatus c : containers) {
      if (c.getState().hasRunning()) {
        running++;
      } else if (c.getState().hasTerminated()) {
        stopped++;
        if (c.getState().getTerminated().getExitCode() == 0) {
          succeeded++;
        }
      } else if (c.getLastState().hasTerminated()) {
        stopped++;
      } else {
        waiting++;
      }
    }
    if (waiting > 0) {
      return "Pending";
    }
    if (running > 0) {
      return "Running";
    }
    if (stopped == 0) {
      return "Pending";
    }
    return switch (restartPolicy) {
      case "Never" -> stopped == succeeded ? "Succeeded" : "Failed";
      case "OnFailure" -> stopped == succeeded ? "Succeeded" : "Running";
      default -> "Running";
    };
  }

  /** The condition now; its transition time is the base's while its status stays the same. */
  private static Condition condition(PodStatus base, String type, boolean value, String reason, String message,
      Timestamp now) {
    String status = value ? "True" : "False";
    Condition old = find(base, type);
    Timestamp since = old != null && old.getStatus().equals(status) ? old.getLastTransitionTime() : now;
    return Condition.newBuilder().setType(type).setStatus(status).setReason(reason).setMessage(message)
        .setLastTransitionTime(since).build();
  }

  private static Condition find(PodStatus status, String type) {
    return status.getConditionsList().stream().filter(c -> c.getType().equals(type)).findFirst().orElse(null);
  }

  static Timestamp seconds(Instant instant) {
    return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).build();
  }
}
