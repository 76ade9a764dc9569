package io.skiff.controlplane.controllers.workload;

import io.skiff.api.v1.Deployment;
import io.skiff.api.v1.ReplicaSet;
import io.skiff.client.ResourceTypes;
import io.skiff.client.events.EventRecorder;
import io.skiff.controlplane.controllers.ControllerContext;
import io.skiff.controlplane.controllers.workload.RolloutArithmetic.Fenceposts;
import java.util.function.Consumer;

/**
 * Scales a Deployment's ReplicaSets (Kubernetes' scaleReplicaSet): writes the
 * new size, notes on the ReplicaSet the Deployment's size it was scaled for
 * (what proportional scaling and scaling events are read from), and records a
 * ScalingReplicaSet event on the Deployment.
 */
final class ReplicaSetScaler {
  private final ControllerContext ctx;
  private final Consumer<ReplicaSet> written;

  /** {@code written} hears each ReplicaSet as written, to replace what was read of it. */
  ReplicaSetScaler(ControllerContext ctx, Consumer<ReplicaSet> written) {
    this.ctx = ctx;
    this.written = written;
  }

  /** Scales {@code rs} to {@code replicas} unless it has that size; true if it scaled. */
  boolean scale(Deployment d, ReplicaSet rs, int replicas, Fenceposts fenceposts) {
    return rs.getSpec().getReplicas() != replicas && resize(d, rs, replicas, fenceposts);
  }

  /** Scales {@code rs}, and notes the Deployment's size on it even if its own is right; true if it scaled. */
  boolean resize(Deployment d, ReplicaSet rs, int replicas, Fenceposts fenceposts) {
    int desired = d.getSpec().getReplicas();
    int maxReplicas = desired + fenceposts.maxSurge();
    int before = rs.getSpec().getReplicas();
    if (before == replicas && !Revisions.replicasNeedUpdate(rs.getMetadata(), desired, maxReplicas)) {
      return false;
    }
    ReplicaSet updated = ctx.replicaSetClient().update(rs.toBuilder()
        .setMetadata(Revisions.withReplicas(rs.getMetadata(), desired, maxReplicas))
        .setSpec(rs.getSpec().toBuilder().setReplicas(replicas))
        .build());
    written.accept(updated);
    if (before != replicas) {
      scaled(ctx, d, updated.getMetadata().getName(), before, replicas);
      return true;
    }
    return false;
  }

  /** The ScalingReplicaSet event: "Scaled up replica set web-5d7f9 to 3". */
  static void scaled(ControllerContext ctx, Deployment d, String replicaSet, int before, int after) {
    ctx.events().normal(EventRecorder.reference(ResourceTypes.DEPLOYMENTS.apiVersion(),
        ResourceTypes.DEPLOYMENTS.kind(), d.getMetadata()), "ScalingReplicaSet",
        "Scaled " + (after > before ? "up" : "down") + " replica set " + replicaSet + " to " + after);
  }
}
