package io.skiff.controlplane.controllers.workload;

import com.google.protobuf.util.Timestamps;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.skiff.api.v1.DeleteRequest;
import io.skiff.api.v1.Deployment;
import io.skiff.api.v1.DeploymentStatus;
import io.skiff.api.v1.ObjectMeta;
import io.skiff.api.v1.Pod;
import io.skiff.api.v1.Preconditions;
import io.skiff.api.v1.ReplicaSet;
import io.skiff.controlplane.controllers.ControllerContext;
import io.skiff.controlplane.controllers.workload.RolloutArithmetic.Counts;
import io.skiff.controlplane.controllers.workload.RolloutArithmetic.Fenceposts;
import io.skiff.controlplane.controllers.workload.RolloutArithmetic.Sized;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * One reconcile of one Deployment (Kubernetes' syncDeployment with sync.go,
 * rolling.go, recreate.go and progress.go): finds or makes the ReplicaSet of
 * the current template, scales the ReplicaSets as the strategy allows, trims
 * the history and writes the status. Each write goes out conditional on the
 * version read and what it returns replaces what was read, so a stale cache
 * ends in a conflict and a retry, never in a write over someone's newer one.
 * Used once, on one thread.
 */
final class Rollout {
  private static final Comparator<ReplicaSet> OLDEST_FIRST = Comparator
      .comparing((ReplicaSet rs) -> Timestamps.toMillis(rs.getMetadata().getCreationTimestamp()))
      .thenComparing(rs -> rs.getMetadata().getName());

  private final ControllerContext ctx;
  private final Instant now;
  private final ReplicaSetScaler scaler;
  /** The Deployment as last read or written. */
  private Deployment d;
  /** The ReplicaSets it controls, oldest first, each as last read or written. */
  private final List<ReplicaSet> owned;
  /** The one of {@link #owned} with the Deployment's template, once found or made. */
  private ReplicaSet newRs;

  Rollout(ControllerContext ctx, Deployment d, List<ReplicaSet> owned) {
    this.ctx = ctx;
    this.now = ctx.clock().instant();
    this.d = d;
    this.owned = new ArrayList<>(owned);
    this.owned.sort(OLDEST_FIRST);
    this.scaler = new ReplicaSetScaler(ctx, this::replaced);
  }

  /** Does what the Deployment's state calls for; returns when to look again (null: when something changes). */
  Duration sync() {
    if (d.getMetadata().hasDeletionTimestamp()) {
      findNewReplicaSet(false);
      return syncStatus();
    }
    DeploymentStatuses.pausedConditions(d, now).ifPresent(this::writeStatus);
    if (d.getSpec().getPaused() || scalingEvent()) {
      return scaleAndSyncStatus();
    }
    return isRecreate() ? recreate() : rollingUpdate();
  }

  // ---- strategies ----

  private Duration rollingUpdate() {
    findNewReplicaSet(true);
    if (scaleNewForRollingUpdate() || scaleOldForRollingUpdate()) {
      return syncRolloutStatus();
    }
    if (DeploymentStatuses.complete(d, d.getStatus())) {
      cleanup();
    }
    return syncRolloutStatus();
  }

  private boolean scaleNewForRollingUpdate() {
    int desired = d.getSpec().getReplicas();
    int replicas = newRs.getSpec().getReplicas();
    if (replicas == desired) {
      return false;
    }
    int wanted = replicas > desired ? desired
        : RolloutArithmetic.newReplicaSetReplicas(desired, fenceposts().maxSurge(), counts(newRs), counts(all()));
    return scaler.scale(d, newRs, wanted, fenceposts());
  }

  private boolean scaleOldForRollingUpdate() {
    List<ReplicaSet> old = old().stream().filter(rs -> rs.getSpec().getReplicas() > 0).toList();
    List<Integer> wanted = RolloutArithmetic.oldReplicaSetReplicas(d.getSpec().getReplicas(), maxUnavailable(),
        counts(newRs), counts(old));
    boolean scaled = false;
    for (int i = 0; i < old.size(); i++) {
      scaled |= scaler.scale(d, old.get(i), wanted.get(i), fenceposts());
    }
    return scaled;
  }

  /** Old ReplicaSets to 0; once their pods are gone, the new one to full size. */
  private Duration recreate() {
    findNewReplicaSet(false);  // not made yet: nothing new may start before the old pods are gone
    boolean scaledDown = false;
    for (ReplicaSet rs : old()) {
      scaledDown |= scaler.scale(d, rs, 0, fenceposts());
    }
    if (scaledDown || oldPodsRunning()) {
      return syncRolloutStatus();
    }
    if (newRs == null) {
      findNewReplicaSet(true);
    }
    scaler.scale(d, newRs, d.getSpec().getReplicas(), fenceposts());
    if (DeploymentStatuses.complete(d, d.getStatus())) {
      cleanup();
    }
    return syncRolloutStatus();
  }

  private boolean oldPodsRunning() {
    for (ReplicaSet rs : old()) {
      if (rs.getStatus().getReplicas() > 0) {
        return true;
      }
      // pods on their way out count too, until they are gone
      for (Pod pod : ctx.pods().byIndex(ControllerContext.BY_OWNER, rs.getMetadata().getUid())) {
        String phase = pod.getStatus().getPhase();
        if (!phase.equals("Succeeded") && !phase.equals("Failed")) {
          return true;
        }
      }
    }
    return false;
  }

  // ---- scaling without a rollout (paused, or resized) ----

  /** Kubernetes' isScalingEvent: the Deployment's size differs from what its active ReplicaSets were scaled for. */
  private boolean scalingEvent() {
    findNewReplicaSet(false);
    if (newRs == null) {
      return false;
    }
    return active(all()).stream().anyMatch(rs -> rs.getMetadata().containsAnnotations(Revisions.DESIRED_REPLICAS)
        && Revisions.intAnnotation(rs.getMetadata(), Revisions.DESIRED_REPLICAS) != d.getSpec().getReplicas());
  }

  private Duration scaleAndSyncStatus() {
    findNewReplicaSet(false);
    scale();
    if (d.getSpec().getPaused()) {
      cleanup();
    }
    return syncStatus();
  }

  /** Kubernetes' sync.go scale: one active ReplicaSet takes the new size; several share it in proportion. */
  private void scale() {
    int desired = d.getSpec().getReplicas();
    List<ReplicaSet> active = active(all());
    if (active.size() <= 1) {
      ReplicaSet only = !active.isEmpty() ? active.get(0) : newRs != null ? newRs
          : owned.isEmpty() ? null : owned.get(owned.size() - 1);
      if (only != null) {
        scaler.scale(d, only, desired, fenceposts());
      }
      return;
    }
    if (newRs != null && saturated(newRs)) {
      for (ReplicaSet rs : active(old())) {
        scaler.scale(d, rs, 0, fenceposts());
      }
      return;
    }
    if (isRecreate()) {
      return;
    }
    List<Sized> sized = new ArrayList<>();
    for (ReplicaSet rs : active) {
      sized.add(new Sized(rs.getSpec().getReplicas(),
          Revisions.intAnnotation(rs.getMetadata(), Revisions.MAX_REPLICAS), owned.indexOf(rs)));
    }
    List<Integer> sizes = RolloutArithmetic.proportionalReplicas(desired, fenceposts().maxSurge(),
        d.getStatus().getReplicas(), sized);
    for (int i = 0; i < active.size(); i++) {
      scaler.resize(d, active.get(i), sizes.get(i), fenceposts());
    }
  }

  private boolean saturated(ReplicaSet rs) {
    int desired = d.getSpec().getReplicas();
    return rs.getSpec().getReplicas() == desired
        && Revisions.intAnnotation(rs.getMetadata(), Revisions.DESIRED_REPLICAS) == desired
        && rs.getStatus().getAvailableReplicas() == desired;
  }

  // ---- the new ReplicaSet ----

  /** Finds the ReplicaSet of the current template, or with {@code create} makes it if missing. */
  private void findNewReplicaSet(boolean create) {
    NewReplicaSet finder = new NewReplicaSet(ctx, d, List.copyOf(owned),
        d.getSpec().getReplicas() + fenceposts().maxSurge(), now);
    newRs = create ? finder.findOrCreate(this::initialReplicas) : finder.find().orElse(null);
    d = finder.deployment();
    if (newRs != null) {
      replaced(newRs);
    }
  }

  /** Kubernetes' NewRSNewReplicas for a ReplicaSet about to be made. */
  private int initialReplicas(ReplicaSet candidate) {
    int desired = d.getSpec().getReplicas();
    if (isRecreate()) {
      return desired;
    }
    List<ReplicaSet> all = new ArrayList<>(owned);
    all.add(candidate);
    return RolloutArithmetic.newReplicaSetReplicas(desired, fenceposts().maxSurge(), counts(candidate), counts(all));
  }

  // ---- history ----

  /** Kubernetes' cleanupDeployment: the oldest revisions beyond revisionHistoryLimit go, if they are empty. */
  private void cleanup() {
    if (!d.getSpec().hasRevisionHistoryLimit()) {
      return;
    }
    List<ReplicaSet> cleanable = old().stream().filter(rs -> !rs.getMetadata().hasDeletionTimestamp())
        .sorted(Comparator.comparingLong((ReplicaSet rs) -> Revisions.of(rs.getMetadata())).thenComparing(OLDEST_FIRST))
        .toList();
    int surplus = cleanable.size() - d.getSpec().getRevisionHistoryLimit();
    for (ReplicaSet rs : cleanable.subList(0, Math.max(0, surplus))) {
      if (rs.getStatus().getReplicas() != 0 || rs.getSpec().getReplicas() != 0
          || rs.getMetadata().getGeneration() > rs.getStatus().getObservedGeneration()) {
        continue;  // still has pods, or its controller has not yet seen it emptied
      }
      ObjectMeta meta = rs.getMetadata();
      try {
        ctx.replicaSetClient().delete(DeleteRequest.newBuilder().setNamespace(meta.getNamespace())
            .setName(meta.getName()).setPreconditions(Preconditions.newBuilder().setUid(meta.getUid())).build());
      } catch (StatusRuntimeException e) {
        if (e.getStatus().getCode() != Status.Code.NOT_FOUND) {
          throw e;
        }
      }
    }
  }

  // ---- status ----

  private Duration syncRolloutStatus() {
    DeploymentStatus status = DeploymentStatuses.rollout(d, all(), newRs, maxUnavailable(), now);
    Duration again = DeploymentStatuses.untilDeadline(d, status, now).orElse(null);
    if (!status.equals(d.getStatus())) {
      writeStatus(status);
    }
    return again;
  }

  private Duration syncStatus() {
    DeploymentStatus status = DeploymentStatuses.calculate(d, all(), newRs, maxUnavailable(), now);
    if (!status.equals(d.getStatus())) {
      writeStatus(status);
    }
    return null;
  }

  private void writeStatus(DeploymentStatus status) {
    d = ctx.deploymentClient().updateStatus(d.toBuilder().setStatus(status).build());
  }

  // ---- helpers ----

  private boolean isRecreate() {
    return d.getSpec().getStrategy().getType().equals("Recreate");
  }

  private Fenceposts fenceposts() {
    if (isRecreate()) {
      return new Fenceposts(0, 0);
    }
    var rolling = d.getSpec().getStrategy().getRollingUpdate();
    return RolloutArithmetic.fenceposts(rolling.getMaxSurge(), rolling.getMaxUnavailable(),
        d.getSpec().getReplicas());
  }

  private int maxUnavailable() {
    return RolloutArithmetic.maxUnavailable(fenceposts(), d.getSpec().getReplicas());
  }

  /** Puts a ReplicaSet just written in place of what was read of it. */
  private void replaced(ReplicaSet rs) {
    for (int i = 0; i < owned.size(); i++) {
      if (owned.get(i).getMetadata().getUid().equals(rs.getMetadata().getUid())) {
        owned.set(i, rs);
        if (newRs != null && newRs.getMetadata().getUid().equals(rs.getMetadata().getUid())) {
          newRs = rs;
        }
        return;
      }
    }
    owned.add(rs);  // just made
  }

  private List<ReplicaSet> all() {
    return List.copyOf(owned);
  }

  private List<ReplicaSet> old() {
    return owned.stream().filter(rs -> newRs == null || !rs.getMetadata().getUid().equals(newRs.getMetadata().getUid()))
        .toList();
  }

  private static List<ReplicaSet> active(List<ReplicaSet> replicaSets) {
    return replicaSets.stream().filter(rs -> rs.getSpec().getReplicas() > 0).toList();
  }

  private static Counts counts(ReplicaSet rs) {
    return new Counts(rs.getSpec().getReplicas(), rs.getStatus().getReplicas(), rs.getStatus().getAvailableReplicas());
  }

  private static List<Counts> counts(List<ReplicaSet> replicaSets) {
    return replicaSets.stream().map(Rollout::counts).toList();
  }
}
