package io.skiff.controlplane.controllers.workload;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.skiff.api.v1.Deployment;
import io.skiff.api.v1.DeploymentStatus;
import io.skiff.api.v1.ObjectMeta;
import io.skiff.api.v1.PodTemplateSpec;
import io.skiff.api.v1.ReplicaSet;
import io.skiff.api.v1.ReplicaSetSpec;
import io.skiff.client.ResourceTypes;
import io.skiff.controlplane.controllers.ControllerContext;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.ToIntFunction;

/**
 * Finds or makes the ReplicaSet of a Deployment's current pod template
 * (Kubernetes' getNewReplicaSet): named "deployment-hash" after the
 * template's {@link PodTemplateHash}, which it adds to its selector, template
 * and so its pods. Its revision is one above every other ReplicaSet's — for an
 * old one whose template came back (a rollback) too — and the Deployment
 * carries the same revision. Used once, on one thread.
 */
final class NewReplicaSet {
  private final ControllerContext ctx;
  private final List<ReplicaSet> owned;
  private final int maxReplicas;
  private final Instant now;
  private Deployment d;

  /** @param owned the ReplicaSets the Deployment controls, oldest first */
  NewReplicaSet(ControllerContext ctx, Deployment d, List<ReplicaSet> owned, int maxReplicas, Instant now) {
    this.ctx = ctx;
    this.d = d;
    this.owned = owned;
    this.maxReplicas = maxReplicas;
    this.now = now;
  }

  /** The Deployment as last written here (or as given). */
  Deployment deployment() {
    return d;
  }

  /** The oldest ReplicaSet with the Deployment's template, its revision brought up to date. */
  Optional<ReplicaSet> find() {
    PodTemplateSpec template = d.getSpec().getTemplate();
    Optional<ReplicaSet> existing = owned.stream()
        .filter(rs -> PodTemplateHash.equalIgnoringLabel(rs.getSpec().getTemplate(), template)).findFirst();
    if (existing.isEmpty()) {
      return Optional.empty();
    }
    ReplicaSet rs = existing.get();
    long revision = 1 + Revisions.max(owned.stream().filter(other -> other != existing.get()).toList());
    ObjectMeta meta = Revisions.forNewReplicaSet(rs.getMetadata(), d, revision);
    int minReadySeconds = d.getSpec().getMinReadySeconds();
    if (!meta.equals(rs.getMetadata()) || rs.getSpec().getMinReadySeconds() != minReadySeconds) {
      rs = ctx.replicaSetClient().update(rs.toBuilder().setMetadata(meta)
          .setSpec(rs.getSpec().toBuilder().setMinReadySeconds(minReadySeconds)).build());
    }
    setDeploymentRevision(Revisions.of(rs.getMetadata()));
    if (DeploymentStatuses.hasProgressDeadline(d)
        && DeploymentConditions.get(d.getStatus(), DeploymentConditions.PROGRESSING).isEmpty()) {
      // progress was not tracked before: it counts from now
      progressing(DeploymentConditions.FOUND_NEW_REPLICA_SET, "Found new replica set \"" + rs.getMetadata().getName()
          + "\"");
    }
    return Optional.of(rs);
  }

  /**
   * {@link #find}, or makes the ReplicaSet with the replicas
   * {@code initialReplicas} gives it (seeing it with 0).
   */
  ReplicaSet findOrCreate(ToIntFunction<ReplicaSet> initialReplicas) {
    Optional<ReplicaSet> found = find();
    if (found.isPresent()) {
      return found.get();
    }
    long revision = 1 + Revisions.max(owned);
    String hash = PodTemplateHash.of(d.getSpec().getTemplate(), d.getStatus().getCollisionCount());
    PodTemplateSpec template = PodTemplateHash.withLabel(d.getSpec().getTemplate(), hash);
    ObjectMeta meta = ObjectMeta.newBuilder()
        .setNamespace(d.getMetadata().getNamespace())
        .setName(d.getMetadata().getName() + "-" + hash)
        .putAllLabels(template.getMetadata().getLabelsMap())
        .addOwnerReferences(Owners.controllerReference(ResourceTypes.DEPLOYMENTS, d.getMetadata()))
        .build();
    ReplicaSet candidate = ReplicaSet.newBuilder()
        .setMetadata(Revisions.withReplicas(Revisions.forNewReplicaSet(meta, d, revision), d.getSpec().getReplicas(),
            maxReplicas))
        .setSpec(ReplicaSetSpec.newBuilder()
            .setReplicas(0)
            .setMinReadySeconds(d.getSpec().getMinReadySeconds())
            .setSelector(PodTemplateHash.withLabel(d.getSpec().getSelector(), hash))
            .setTemplate(template))
        .build();
    int replicas = initialReplicas.applyAsInt(candidate);
    ReplicaSet rs;
    try {
      rs = ctx.replicaSetClient().create(candidate.toBuilder()
          .setSpec(candidate.getSpec().toBuilder().setReplicas(replicas)).build());
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() != Status.Code.ALREADY_EXISTS) {
        throw e;
      }
      rs = madeBefore(meta.getName(), e);
      setDeploymentRevision(revision);
      return rs;
    }
    if (replicas > 0) {
      ReplicaSetScaler.scaled(ctx, d, rs.getMetadata().getName(), 0, replicas);
    }
    setDeploymentRevision(revision);
    if (DeploymentStatuses.hasProgressDeadline(d)) {
      progressing(DeploymentConditions.NEW_REPLICA_SET_CREATED, "Created new replica set \""
          + rs.getMetadata().getName() + "\"");
    }
    return rs;
  }

  /**
   * The ReplicaSet of that name, when it is this one made by an earlier
   * reconcile that the cache has not caught up with. Otherwise another
   * template hashed to the same name: the collision count goes up, so the
   * next try hashes to another, and {@code collision} is thrown.
   */
  private ReplicaSet madeBefore(String name, StatusRuntimeException collision) {
    ReplicaSet existing = ctx.replicaSetClient().get(d.getMetadata().getNamespace(), name);
    boolean ours = Owners.controllerOf(existing.getMetadata())
        .map(o -> o.getUid().equals(d.getMetadata().getUid())).orElse(false);
    if (ours && PodTemplateHash.equalIgnoringLabel(existing.getSpec().getTemplate(), d.getSpec().getTemplate())) {
      return existing;
    }
    writeStatus(d.getStatus().toBuilder().setCollisionCount(d.getStatus().getCollisionCount() + 1).build());
    throw collision;
  }

  private void setDeploymentRevision(long revision) {
    String value = Long.toString(revision);
    if (!value.equals(d.getMetadata().getAnnotationsOrDefault(Revisions.REVISION, ""))) {
      d = ctx.deploymentClient().update(d.toBuilder()
          .setMetadata(d.getMetadata().toBuilder().putAnnotations(Revisions.REVISION, value)).build());
    }
  }

  private void progressing(String reason, String message) {
    writeStatus(DeploymentConditions.set(d.getStatus(),
        DeploymentConditions.of(DeploymentConditions.PROGRESSING, "True", reason, message, now)));
  }

  private void writeStatus(DeploymentStatus status) {
    d = ctx.deploymentClient().updateStatus(d.toBuilder().setStatus(status).build());
  }
}
