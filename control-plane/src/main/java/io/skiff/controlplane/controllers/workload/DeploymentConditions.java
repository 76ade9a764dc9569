package io.skiff.controlplane.controllers.workload;

import com.google.protobuf.util.Timestamps;
import io.skiff.api.v1.Condition;
import io.skiff.api.v1.DeploymentStatus;
import java.time.Instant;
import java.util.Optional;

/** A Deployment's conditions, their types and reasons, as Kubernetes' deployment util keeps them. */
final class DeploymentConditions {
  static final String AVAILABLE = "Available";
  static final String PROGRESSING = "Progressing";

  static final String MINIMUM_REPLICAS_AVAILABLE = "MinimumReplicasAvailable";
  static final String MINIMUM_REPLICAS_UNAVAILABLE = "MinimumReplicasUnavailable";
  static final String NEW_REPLICA_SET_CREATED = "NewReplicaSetCreated";
  static final String FOUND_NEW_REPLICA_SET = "FoundNewReplicaSet";
  static final String REPLICA_SET_UPDATED = "ReplicaSetUpdated";
  static final String NEW_REPLICA_SET_AVAILABLE = "NewReplicaSetAvailable";
  static final String PROGRESS_DEADLINE_EXCEEDED = "ProgressDeadlineExceeded";
  static final String PAUSED = "DeploymentPaused";
  static final String RESUMED = "DeploymentResumed";

  private DeploymentConditions() {
  }

  static Condition of(String type, String status, String reason, String message, Instant now) {
    var time = Timestamps.fromMillis(now.toEpochMilli());
    return Condition.newBuilder().setType(type).setStatus(status).setReason(reason).setMessage(message)
        .setLastUpdateTime(time).setLastTransitionTime(time).build();
  }

  static Optional<Condition> get(DeploymentStatus status, String type) {
    return status.getConditionsList().stream().filter(c -> c.getType().equals(type)).findFirst();
  }

  /**
   * Kubernetes' SetDeploymentCondition: a condition with the same status and
   * reason as the current one changes nothing; one with only the same status
   * keeps its last transition time.
   */
  static DeploymentStatus set(DeploymentStatus status, Condition condition) {
    Optional<Condition> current = get(status, condition.getType());
    if (current.isPresent() && current.get().getStatus().equals(condition.getStatus())) {
      if (current.get().getReason().equals(condition.getReason())) {
        return status;
      }
      condition = condition.toBuilder().setLastTransitionTime(current.get().getLastTransitionTime()).build();
    }
    return remove(status, condition.getType()).toBuilder().addConditions(condition).build();
  }

  static DeploymentStatus remove(DeploymentStatus status, String type) {
    if (get(status, type).isEmpty()) {
      return status;
    }
    DeploymentStatus.Builder without = status.toBuilder().clearConditions();
    status.getConditionsList().stream().filter(c -> !c.getType().equals(type)).forEach(without::addConditions);
    return without.build();
  }
}
