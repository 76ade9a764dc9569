package io.skiff.controlplane.controllers.workload;

import io.skiff.api.v1.Deployment;
import io.skiff.api.v1.ObjectMeta;
import io.skiff.api.v1.OwnerReference;
import io.skiff.api.v1.Pod;
import io.skiff.api.v1.ReplicaSet;
import io.skiff.client.ResourceTypes;
import io.skiff.client.cache.Informer;
import io.skiff.controlplane.controllers.Controller;
import io.skiff.controlplane.controllers.ControllerContext;
import io.skiff.controlplane.controllers.ReconcileLoop;
import io.skiff.controlplane.selector.LabelSelectors;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Rolls Deployments out through ReplicaSets (Kubernetes' DeploymentController):
 * one ReplicaSet per pod template, scaled by the RollingUpdate or Recreate
 * strategy, with revision history, pause and status. A reconcile claims the
 * Deployment's ReplicaSets and hands them to a {@link Rollout}.
 *
 * <p>Informer handlers only enqueue the key of the Deployment an event
 * concerns; reconciles run on the loop's workers, one per key at a time.
 */
public final class DeploymentController implements Controller {
  private final ControllerContext ctx;
  private final ReconcileLoop loop;
  private final Claims<ReplicaSet> claims;

  public DeploymentController(ControllerContext ctx) {
    this.ctx = ctx;
    this.loop = new ReconcileLoop(name(), ctx.settings().workers(), this::reconcile);
    this.claims = new Claims<>(ctx.replicaSetClient());
  }

  @Override
  public String name() {
    return "deployment";
  }

  @Override
  public void start() {
    ctx.deployments().addHandler(Informer.Handler.anyChange(this::enqueue));
    ctx.replicaSets().addHandler(new ReplicaSetEvents());
    ctx.pods().addHandler(new PodEvents());
    // handlers added after the informers listed hear only later changes: look at everything once
    ctx.deployments().list().forEach(this::enqueue);
    loop.start();
  }

  @Override
  public void close() {
    loop.close();
  }

  private Duration reconcile(String key) {
    int slash = key.indexOf('/');
    String namespace = key.substring(0, slash);
    Optional<Deployment> found = ctx.deployments().get(namespace, key.substring(slash + 1));
    if (found.isEmpty()) {
      return null;
    }
    Deployment d = found.get();
    ObjectMeta meta = d.getMetadata();
    List<ReplicaSet> owned = claims.claim(Owners.controllerReference(ResourceTypes.DEPLOYMENTS, meta),
        meta.hasDeletionTimestamp(), LabelSelectors.of(d.getSpec().getSelector()),
        ctx.replicaSets().byIndex(ControllerContext.BY_NAMESPACE, namespace), Claims.ownerStillThere(ctx.deploymentClient(), meta));
    return new Rollout(ctx, d, owned).sync();
  }

  private void enqueue(Deployment d) {
    loop.add(Informer.key(d.getMetadata()));
  }

  /** The Deployment that controls {@code rs}, if it is in the cache. */
  private Optional<Deployment> owner(ReplicaSet rs) {
    return Owners.controller(rs.getMetadata(), ResourceTypes.DEPLOYMENTS, ctx.deployments());
  }

  /** An orphan may be adopted by any Deployment of its namespace that selects it. */
  private void enqueueSelecting(ReplicaSet orphan) {
    for (Deployment d : ctx.deployments().byIndex(ControllerContext.BY_NAMESPACE,
        orphan.getMetadata().getNamespace())) {
      if (LabelSelectors.of(d.getSpec().getSelector()).matches(orphan.getMetadata().getLabelsMap())) {
        enqueue(d);
      }
    }
  }

  private final class ReplicaSetEvents implements Informer.Handler<ReplicaSet> {
    @Override
    public void onAdd(ReplicaSet rs) {
      Optional<Deployment> owner = owner(rs);
      if (owner.isPresent()) {
        enqueue(owner.get());
      } else if (Owners.controllerOf(rs.getMetadata()).isEmpty()) {
        enqueueSelecting(rs);
      }
    }

    @Override
    public void onUpdate(ReplicaSet old, ReplicaSet rs) {
      Optional<OwnerReference> oldController = Owners.controllerOf(old.getMetadata());
      Optional<OwnerReference> controller = Owners.controllerOf(rs.getMetadata());
      boolean controllerChanged = !Objects.equals(oldController, controller);
      if (controllerChanged) {
        owner(old).ifPresent(DeploymentController.this::enqueue);
      }
      Optional<Deployment> owner = owner(rs);
      if (owner.isPresent()) {
        enqueue(owner.get());
      } else if (controller.isEmpty()
          && (controllerChanged || !old.getMetadata().getLabelsMap().equals(rs.getMetadata().getLabelsMap()))) {
        enqueueSelecting(rs);
      }
    }

    @Override
    public void onDelete(ReplicaSet rs) {
      owner(rs).ifPresent(DeploymentController.this::enqueue);
    }
  }

  /** A Recreate rollout waits for the old pods to be gone: their deletion is its cue. */
  private final class PodEvents implements Informer.Handler<Pod> {
    @Override
    public void onDelete(Pod pod) {
      Owners.controller(pod.getMetadata(), ResourceTypes.REPLICA_SETS, ctx.replicaSets())
          .flatMap(DeploymentController.this::owner)
          .filter(d -> d.getSpec().getStrategy().getType().equals("Recreate"))
          .ifPresent(DeploymentController.this::enqueue);
    }
  }
}
