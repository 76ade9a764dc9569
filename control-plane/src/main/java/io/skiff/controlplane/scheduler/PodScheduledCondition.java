package io.skiff.controlplane.scheduler;

import com.google.protobuf.Timestamp;
import io.skiff.api.v1.Condition;
import io.skiff.api.v1.Pod;
import io.skiff.api.v1.PodStatus;

/**
 * The scheduler's part of a pod's PodScheduled condition. It writes only the "no": False with
 * reason Unschedulable. The "yes" is the node agent's to write when it takes the pod, and the agent
 * keeps a PodScheduled condition it finds, so before binding a pod the scheduler clears a "no" it
 * wrote earlier rather than leave it for the agent to copy.
 */
final class PodScheduledCondition {
  static final String TYPE = "PodScheduled";
  static final String UNSCHEDULABLE = "Unschedulable";

  private PodScheduledCondition() {
  }

  /** The pod with PodScheduled=False for {@code message}, or null if it says exactly that already. */
  static Pod unschedulable(Pod pod, String message, Timestamp now) {
    Condition old = find(pod.getStatus());
    if (old != null && old.getStatus().equals("False") && old.getReason().equals(UNSCHEDULABLE)
        && old.getMessage().equals(message)) {
      return null;
    }
    Timestamp since = old != null && old.getStatus().equals("False") ? old.getLastTransitionTime() : now;
    Condition condition = Condition.newBuilder().setType(TYPE).setStatus("False").setReason(UNSCHEDULABLE)
        .setMessage(message).setLastProbeTime(now).setLastTransitionTime(since).build();
    return pod.toBuilder().setStatus(without(pod.getStatus()).addConditions(condition)).build();
  }

  /** The pod without a PodScheduled condition that is not True, or null if it has none. */
  static Pod cleared(Pod pod) {
    Condition old = find(pod.getStatus());
    if (old == null || old.getStatus().equals("True")) {
      return null;
    }
    return pod.toBuilder().setStatus(without(pod.getStatus())).build();
  }

  private static Condition find(PodStatus status) {
    for (Condition condition : status.getConditionsList()) {
      if (condition.getType().equals(TYPE)) {
        return condition;
      }
    }
    return null;
  }

  private static PodStatus.Builder without(PodStatus status) {
    PodStatus.Builder builder = status.toBuilder().clearConditions();
    for (Condition condition : status.getConditionsList()) {
      if (!condition.getType().equals(TYPE)) {
        builder.addConditions(condition);
      }
    }
    return builder;
  }
}
