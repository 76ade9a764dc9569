package io.skiff.controlplane.controllers.workload;

import static io.skiff.controlplane.controllers.workload.DeploymentConditions.AVAILABLE;
import static io.skiff.controlplane.controllers.workload.DeploymentConditions.PROGRESSING;

import com.google.protobuf.util.Timestamps;
import io.skiff.api.v1.Condition;
import io.skiff.api.v1.Deployment;
import io.skiff.api.v1.DeploymentStatus;
import io.skiff.api.v1.ReplicaSet;
import io.skiff.api.v1.ReplicaSetStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.ToIntFunction;

/**
 * A Deployment's status from its ReplicaSets' (Kubernetes' calculateStatus,
 * syncRolloutStatus and checkPausedConditions), apart from any I/O: counts,
 * the Available condition, and the Progressing condition that tells a
 * rollout moving, done, paused, or stuck past its progress deadline.
 */
final class DeploymentStatuses {
  private DeploymentStatuses() {
  }

  /** Counts and the Available condition; the other conditions as they are. */
  static DeploymentStatus calculate(Deployment d, List<ReplicaSet> all, ReplicaSet newRs, int maxUnavailable,
      Instant now) {
    int available = sum(all, ReplicaSetStatus::getAvailableReplicas);
    int specReplicas = all.stream().mapToInt(rs -> rs.getSpec().getReplicas()).sum();
    DeploymentStatus status = d.getStatus().toBuilder()
        .setObservedGeneration(d.getMetadata().getGeneration())
        .setReplicas(sum(all, ReplicaSetStatus::getReplicas))
        .setUpdatedReplicas(newRs == null ? 0 : newRs.getStatus().getReplicas())
        .setReadyReplicas(sum(all, ReplicaSetStatus::getReadyReplicas))
        .setAvailableReplicas(available)
        // more available than wanted while scaling down is not negative unavailability
        .setUnavailableReplicas(Math.max(0, specReplicas - available))
        .build();
    Condition availability = available >= d.getSpec().getReplicas() - maxUnavailable
        ? DeploymentConditions.of(AVAILABLE, "True", DeploymentConditions.MINIMUM_REPLICAS_AVAILABLE,
            "Deployment has minimum availability.", now)
        : DeploymentConditions.of(AVAILABLE, "False", DeploymentConditions.MINIMUM_REPLICAS_UNAVAILABLE,
            "Deployment does not have minimum availability.", now);
    return DeploymentConditions.set(status, availability);
  }

  /** {@link #calculate}, and Progressing brought up to date while a rollout is under way. */
  static DeploymentStatus rollout(Deployment d, List<ReplicaSet> all, ReplicaSet newRs, int maxUnavailable,
      Instant now) {
    DeploymentStatus status = calculate(d, all, newRs, maxUnavailable, now);
    if (!hasProgressDeadline(d)) {
      return DeploymentConditions.remove(status, PROGRESSING);
    }
    Optional<Condition> current = DeploymentConditions.get(d.getStatus(), PROGRESSING);
    boolean done = status.getReplicas() == status.getUpdatedReplicas()
        && current.map(c -> c.getReason().equals(DeploymentConditions.NEW_REPLICA_SET_AVAILABLE)).orElse(false);
    if (done) {
      return status;  // nothing rolls out: a resync, not progress
    }
    String subject = newRs == null ? "Deployment \"" + d.getMetadata().getName() + "\""
        : "ReplicaSet \"" + newRs.getMetadata().getName() + "\"";
    if (complete(d, status)) {
      return DeploymentConditions.set(status, DeploymentConditions.of(PROGRESSING, "True",
          DeploymentConditions.NEW_REPLICA_SET_AVAILABLE, subject + " has successfully progressed.", now));
    }
    if (progressed(d.getStatus(), status)) {
      // progress renews the condition's update time (what the deadline counts from), even with the same reason
      Condition progressing = DeploymentConditions.of(PROGRESSING, "True", DeploymentConditions.REPLICA_SET_UPDATED,
          subject + " is progressing.", now);
      if (current.isPresent() && current.get().getStatus().equals("True")) {
        progressing = progressing.toBuilder().setLastTransitionTime(current.get().getLastTransitionTime()).build();
      }
      return DeploymentConditions.set(DeploymentConditions.remove(status, PROGRESSING), progressing);
    }
    if (timedOut(d, status, now)) {
      return DeploymentConditions.set(status, DeploymentConditions.of(PROGRESSING, "False",
          DeploymentConditions.PROGRESS_DEADLINE_EXCEEDED, subject + " has timed out progressing.", now));
    }
    return status;
  }

  /** Kubernetes' DeploymentComplete: every replica updated and available, the latest spec observed. */
  static boolean complete(Deployment d, DeploymentStatus status) {
    int desired = d.getSpec().getReplicas();
    return status.getUpdatedReplicas() == desired && status.getReplicas() == desired
        && status.getAvailableReplicas() == desired
        && status.getObservedGeneration() >= d.getMetadata().getGeneration();
  }

  /**
   * When to look again to see whether the rollout has passed its deadline
   * (Kubernetes' requeueStuckDeployment), if it is under way and not yet late.
   */
  static Optional<Duration> untilDeadline(Deployment d, DeploymentStatus status, Instant now) {
    Optional<Condition> current = DeploymentConditions.get(d.getStatus(), PROGRESSING);
    if (!hasProgressDeadline(d) || current.isEmpty() || complete(d, status)
        || current.get().getReason().equals(DeploymentConditions.PROGRESS_DEADLINE_EXCEEDED)) {
      return Optional.empty();
    }
    Duration left = Duration.between(now, deadline(d, current.get()));
    // a second past the deadline, so the look finds it passed
    return Optional.of((left.isNegative() ? Duration.ZERO : left).plusSeconds(1));
  }

  /**
   * Progressing set to Unknown with reason DeploymentPaused when the Deployment
   * is paused, DeploymentResumed when it is no more; empty when nothing
   * changes. A passed deadline is not overwritten.
   */
  static Optional<DeploymentStatus> pausedConditions(Deployment d, Instant now) {
    if (!hasProgressDeadline(d)) {
      return Optional.empty();
    }
    Optional<Condition> current = DeploymentConditions.get(d.getStatus(), PROGRESSING);
    String reason = current.map(Condition::getReason).orElse("");
    if (reason.equals(DeploymentConditions.PROGRESS_DEADLINE_EXCEEDED)) {
      return Optional.empty();
    }
    boolean pausedNoted = reason.equals(DeploymentConditions.PAUSED);
    if (d.getSpec().getPaused() && !pausedNoted) {
      return Optional.of(DeploymentConditions.set(d.getStatus(), DeploymentConditions.of(PROGRESSING, "Unknown",
          DeploymentConditions.PAUSED, "Deployment is paused", now)));
    }
    if (!d.getSpec().getPaused() && pausedNoted) {
      return Optional.of(DeploymentConditions.set(d.getStatus(), DeploymentConditions.of(PROGRESSING, "Unknown",
          DeploymentConditions.RESUMED, "Deployment is resumed", now)));
    }
    return Optional.empty();
  }

  static boolean hasProgressDeadline(Deployment d) {
    return d.getSpec().hasProgressDeadlineSeconds() && d.getSpec().getProgressDeadlineSeconds() != Integer.MAX_VALUE;
  }

  /** Kubernetes' DeploymentProgressing: more updated, fewer old, more ready or more available pods. */
  private static boolean progressed(DeploymentStatus old, DeploymentStatus status) {
    return status.getUpdatedReplicas() > old.getUpdatedReplicas()
        || status.getReplicas() - status.getUpdatedReplicas() < old.getReplicas() - old.getUpdatedReplicas()
        || status.getReadyReplicas() > old.getReadyReplicas()
        || status.getAvailableReplicas() > old.getAvailableReplicas();
  }

  /** Kubernetes' DeploymentTimedOut: no progress for progressDeadlineSeconds since Progressing last changed. */
  private static boolean timedOut(Deployment d, DeploymentStatus status, Instant now) {
    Optional<Condition> condition = DeploymentConditions.get(status, PROGRESSING);
    if (condition.isEmpty() || condition.get().getReason().equals(DeploymentConditions.NEW_REPLICA_SET_AVAILABLE)) {
      return false;
    }
    return condition.get().getReason().equals(DeploymentConditions.PROGRESS_DEADLINE_EXCEEDED)
        || deadline(d, condition.get()).isBefore(now);
  }

  private static Instant deadline(Deployment d, Condition progressing) {
    return Instant.ofEpochMilli(Timestamps.toMillis(progressing.getLastUpdateTime()))
        .plusSeconds(d.getSpec().getProgressDeadlineSeconds());
  }

  private static int sum(List<ReplicaSet> all, ToIntFunction<ReplicaSetStatus> count) {
    return all.stream().mapToInt(rs -> count.applyAsInt(rs.getStatus())).sum();
  }
}
