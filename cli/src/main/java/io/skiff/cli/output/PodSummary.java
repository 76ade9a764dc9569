package io.skiff.cli.output;

import com.google.protobuf.Timestamp;
import io.skiff.api.v1.Condition;
import io.skiff.api.v1.ContainerState;
import io.skiff.api.v1.ContainerStatus;
import io.skiff.api.v1.Pod;
import java.util.List;

/**
 * A pod's READY, STATUS and RESTARTS as kubectl works them out: STATUS is the
 * phase, or the pod's reason, or a container's waiting or terminated reason
 * (CrashLoopBackOff, ErrImagePull, OOMKilled, Completed, ExitCode:1), or
 * Terminating while it is being deleted.
 *
 * @param lastRestart when a container last stopped before a restart, or null
 */
public record PodSummary(int ready, int total, String status, int restarts, Timestamp lastRestart) {
  public static PodSummary of(Pod pod) {
    String reason = pod.getStatus().getPhase();
    if (!pod.getStatus().getReason().isEmpty()) {
      reason = pod.getStatus().getReason();
    }
    int restarts = 0;
    int ready = 0;
    boolean hasRunning = false;
    Timestamp lastRestart = null;
    List<ContainerStatus> statuses = pod.getStatus().getContainerStatusesList();
    for (int i = statuses.size() - 1; i >= 0; i--) {
      ContainerStatus container = statuses.get(i);
      restarts += container.getRestartCount();
      if (container.getLastState().hasTerminated()) {
        Timestamp finished = container.getLastState().getTerminated().getFinishedAt();
        if (lastRestart == null || compare(lastRestart, finished) < 0) {
          lastRestart = finished;
        }
      }
      ContainerState state = container.getState();
      if (state.hasWaiting() && !state.getWaiting().getReason().isEmpty()) {
        reason = state.getWaiting().getReason();
      } else if (state.hasTerminated() && !state.getTerminated().getReason().isEmpty()) {
        reason = state.getTerminated().getReason();
      } else if (state.hasTerminated()) {
        reason = state.getTerminated().getSignal() != 0 ? "Signal:" + state.getTerminated().getSignal()
            : "ExitCode:" + state.getTerminated().getExitCode();
      } else if (container.getReady() && state.hasRunning()) {
        hasRunning = true;
        ready++;
      }
    }
    if (reason.equals("Completed") && hasRunning) {
      reason = podReady(pod) ? "Running" : "NotReady";
    }
    if (pod.getMetadata().hasDeletionTimestamp() && "NodeLost".equals(pod.getStatus().getReason())) {
      reason = "Unknown";
    } else if (pod.getMetadata().hasDeletionTimestamp()) {
      reason = "Terminating";
    }
    if (reason.isEmpty()) {
      reason = "Pending";
    }
    return new PodSummary(ready, pod.getSpec().getContainersCount(), reason, restarts, lastRestart);
  }

  private static boolean podReady(Pod pod) {
    for (Condition condition : pod.getStatus().getConditionsList()) {
      if (condition.getType().equals("Ready") && condition.getStatus().equals("True")) {
        return true;
      }
    }
    return false;
  }

  private static int compare(Timestamp a, Timestamp b) {
    return a.getSeconds() != b.getSeconds() ? Long.compare(a.getSeconds(), b.getSeconds())
        : Integer.compare(a.getNanos(), b.getNanos());
  }

  /** "3" or "3 (5m ago)", as kubectl's RESTARTS column. */
  public String restartsText(java.time.Instant now) {
    if (restarts > 0 && lastRestart != null && lastRestart.getSeconds() != 0) {
      return restarts + " (" + Ages.since(lastRestart, now) + " ago)";
    }
    return Integer.toString(restarts);
  }
}
