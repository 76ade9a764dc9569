package io.skiff.controlplane.controllers.workload;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.skiff.api.v1.DeleteRequest;
import io.skiff.api.v1.ObjectMeta;
import io.skiff.api.v1.ObjectReference;
import io.skiff.api.v1.OwnerReference;
import io.skiff.api.v1.Pod;
import io.skiff.api.v1.PodTemplateSpec;
import io.skiff.api.v1.Preconditions;
import io.skiff.api.v1.ReplicaSet;
import io.skiff.api.v1.ReplicaSetStatus;
import io.skiff.client.DaemonThreads;
import io.skiff.client.ResourceTypes;
import io.skiff.client.cache.Informer;
import io.skiff.client.events.EventRecorder;
import io.skiff.controlplane.controllers.Controller;
import io.skiff.controlplane.controllers.ControllerContext;
import io.skiff.controlplane.controllers.ReconcileLoop;
import io.skiff.controlplane.selector.LabelSelectors;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Keeps each ReplicaSet's number of active pods at {@code spec.replicas}
 * (Kubernetes' ReplicaSetController): creates pods from its template, deletes
 * the surplus cheapest first, adopts matching orphans, releases pods that no
 * longer match, and reports the counts in its status.
 *
 * <p>A reconcile reads the informers' copies, which lag its own writes; the
 * {@link Expectations} say when they have caught up, and until then the
 * ReplicaSet's pods are neither created nor deleted again. Informer handlers
 * only enqueue keys and count what they see; reconciles run on the loop's
 * workers, one per key at a time, and pod calls go out in parallel.
 */
public final class ReplicaSetController implements Controller {
  /** Most pods created or deleted in one reconcile (Kubernetes' burstReplicas); the rest wait for the next. */
  static final int BURST = 500;
  /** Pod calls in flight at once, across all ReplicaSets. */
  private static final int PARALLEL_CALLS = 32;

  private final ControllerContext ctx;
  private final ReconcileLoop loop;
  private final Expectations expectations;
  private final Claims<Pod> claims;
  private final ExecutorService calls;

  public ReplicaSetController(ControllerContext ctx) {
    this.ctx = ctx;
    this.loop = new ReconcileLoop(name(), ctx.settings().workers(), this::reconcile);
    this.expectations = new Expectations(ctx.clock());
    this.claims = new Claims<>(ctx.podClient());
    this.calls = Executors.newFixedThreadPool(PARALLEL_CALLS, DaemonThreads.named(name() + "-calls"));
  }

  @Override
  public String name() {
    return "replicaset";
  }

  @Override
  public void start() {
    // a deleted one too: its reconcile, after any in flight, forgets its expectations
    ctx.replicaSets().addHandler(Informer.Handler.anyChange(this::enqueue));
    ctx.pods().addHandler(new PodEvents());
    // handlers added after the informers listed hear only later changes: look at everything once
    ctx.replicaSets().list().forEach(rs -> loop.add(Informer.key(rs.getMetadata())));
    loop.start();
  }

  @Override
  public void close() {
    loop.close();
    calls.shutdownNow();
  }

  private Duration reconcile(String key) {
    int slash = key.indexOf('/');
    String namespace = key.substring(0, slash);
    Optional<ReplicaSet> found = ctx.replicaSets().get(namespace, key.substring(slash + 1));
    if (found.isEmpty()) {
      expectations.forget(key);
      return null;
    }
    ReplicaSet rs = found.get();
    ObjectMeta meta = rs.getMetadata();
    // asked before the pods are read: once met, every pod this controller made or removed is in what is read
    boolean caughtUp = expectations.satisfied(key);
    List<Pod> active = ctx.pods().byIndex(ControllerContext.BY_NAMESPACE, namespace).stream()
        .filter(PodStates::isActive).toList();
    List<Pod> owned = claims.claim(Owners.controllerReference(ResourceTypes.REPLICA_SETS, meta),
        meta.hasDeletionTimestamp(), LabelSelectors.of(rs.getSpec().getSelector()), active, Claims.ownerStillThere(ctx.replicaSetClient(), meta));
    RuntimeException failure = null;
    if (caughtUp && !meta.hasDeletionTimestamp()) {
      try {
        failure = manageReplicas(key, rs, owned);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return null;
      }
    }
    Instant now = ctx.clock().instant();
    ReplicaSetStatus status = ReplicaSetStatuses.of(rs, owned, now);
    if (!status.equals(rs.getStatus())) {
      ctx.replicaSetClient().updateStatus(rs.toBuilder().setStatus(status).build());
    }
    if (failure != null) {
      throw failure;
    }
    return ReplicaSetStatuses.nextAvailable(rs, owned, now).orElse(null);
  }

  /** Creates or deletes toward the wanted count; returns the first failure, if any. */
  private RuntimeException manageReplicas(String key, ReplicaSet rs, List<Pod> owned) throws InterruptedException {
    int diff = owned.size() - rs.getSpec().getReplicas();
    if (diff < 0) {
      return createPods(key, rs, Math.min(-diff, BURST));
    }
    if (diff > 0) {
      return deletePods(key, rs, owned.stream().sorted(PodDeletionOrder.INSTANCE).limit(Math.min(diff, BURST))
          .toList());
    }
    return null;
  }

  private RuntimeException createPods(String key, ReplicaSet rs, int count) throws InterruptedException {
    expectations.expectCreations(key, count);
    Pod pod = podFromTemplate(rs);
    ObjectReference ref = reference(rs);
    ParallelCalls.Outcome outcome = ParallelCalls.slowStart(calls, count, () -> {
      Pod created = ctx.podClient().create(pod);
      ctx.events().normal(ref, "SuccessfulCreate", "Created pod: " + created.getMetadata().getName());
    });
    for (int i = outcome.successes(); i < count; i++) {
      expectations.creationObserved(key);  // failed or never tried: no pod will show up for it
    }
    if (outcome.failure() != null) {
      ctx.events().warning(ref, "FailedCreate", "Error creating: " + describe(outcome.failure()));
    }
    return outcome.failure();
  }

  private RuntimeException deletePods(String key, ReplicaSet rs, List<Pod> doomed) throws InterruptedException {
    expectations.expectDeletions(key, doomed.stream().map(p -> Informer.key(p.getMetadata())).toList());
    ObjectReference ref = reference(rs);
    List<Runnable> deletes = doomed.stream().map(pod -> (Runnable) () -> {
      ObjectMeta meta = pod.getMetadata();
      try {
        ctx.podClient().delete(DeleteRequest.newBuilder().setNamespace(meta.getNamespace()).setName(meta.getName())
            .setPreconditions(Preconditions.newBuilder().setUid(meta.getUid())).build());
        ctx.events().normal(ref, "SuccessfulDelete", "Deleted pod: " + meta.getName());
      } catch (StatusRuntimeException e) {
        expectations.deletionObserved(key, Informer.key(meta));  // no deletion will be seen for it
        Status.Code code = e.getStatus().getCode();
        if (code != Status.Code.NOT_FOUND && code != Status.Code.FAILED_PRECONDITION) {  // else: already gone
          ctx.events().warning(ref, "FailedDelete", "Error deleting: " + describe(e));
          throw e;
        }
      }
    }).toList();
    return ParallelCalls.all(calls, deletes).failure();
  }

  /** Kubernetes' GetPodFromTemplate: the template's labels, annotations and spec, owned by the ReplicaSet. */
  private static Pod podFromTemplate(ReplicaSet rs) {
    PodTemplateSpec template = rs.getSpec().getTemplate();
    ObjectMeta meta = ObjectMeta.newBuilder()
        .setNamespace(rs.getMetadata().getNamespace())
        .setGenerateName(rs.getMetadata().getName() + "-")
        .putAllLabels(template.getMetadata().getLabelsMap())
        .putAllAnnotations(template.getMetadata().getAnnotationsMap())
        .addAllFinalizers(template.getMetadata().getFinalizersList())
        .addOwnerReferences(Owners.controllerReference(ResourceTypes.REPLICA_SETS, rs.getMetadata()))
        .build();
    return Pod.newBuilder().setMetadata(meta).setSpec(template.getSpec()).build();
  }

  private static ObjectReference reference(ReplicaSet rs) {
    return EventRecorder.reference(ResourceTypes.REPLICA_SETS.apiVersion(), ResourceTypes.REPLICA_SETS.kind(),
        rs.getMetadata());
  }

  private static String describe(RuntimeException e) {
    return e instanceof StatusRuntimeException s ? String.valueOf(s.getStatus().getDescription()) : e.toString();
  }

  /** The ReplicaSet that controls {@code pod}, if it is in the cache. */
  private Optional<ReplicaSet> owner(Pod pod) {
    return Owners.controller(pod.getMetadata(), ResourceTypes.REPLICA_SETS, ctx.replicaSets());
  }

  private void enqueue(ReplicaSet rs) {
    loop.add(Informer.key(rs.getMetadata()));
  }

  /** An orphan may be adopted by any ReplicaSet of its namespace that selects it. */
  private void enqueueSelecting(Pod orphan) {
    for (ReplicaSet rs : ctx.replicaSets().byIndex(ControllerContext.BY_NAMESPACE,
        orphan.getMetadata().getNamespace())) {
      if (LabelSelectors.of(rs.getSpec().getSelector()).matches(orphan.getMetadata().getLabelsMap())) {
        enqueue(rs);
      }
    }
  }

  private void deleted(Pod pod) {
    owner(pod).ifPresent(rs -> {
      String key = Informer.key(rs.getMetadata());
      expectations.deletionObserved(key, Informer.key(pod.getMetadata()));
      loop.add(key);
    });
  }

  private final class PodEvents implements Informer.Handler<Pod> {
    @Override
    public void onAdd(Pod pod) {
      if (pod.getMetadata().hasDeletionTimestamp()) {
        deleted(pod);  // seen for the first time on its way out (e.g. after a relist)
        return;
      }
      Optional<ReplicaSet> owner = owner(pod);
      if (owner.isPresent()) {
        String key = Informer.key(owner.get().getMetadata());
        expectations.creationObserved(key);
        loop.add(key);
      } else if (Owners.controllerOf(pod.getMetadata()).isEmpty()) {
        enqueueSelecting(pod);
      }
    }

    @Override
    public void onUpdate(Pod old, Pod pod) {
      Optional<OwnerReference> oldController = Owners.controllerOf(old.getMetadata());
      Optional<OwnerReference> controller = Owners.controllerOf(pod.getMetadata());
      boolean controllerChanged = !Objects.equals(oldController, controller);
      if (controllerChanged) {
        owner(old).ifPresent(ReplicaSetController.this::enqueue);
      }
      if (pod.getMetadata().hasDeletionTimestamp()) {
        deleted(pod);  // a graceful delete began: for its ReplicaSet the pod is gone now
        return;
      }
      Optional<ReplicaSet> owner = owner(pod);
      if (owner.isPresent()) {
        enqueue(owner.get());
      } else if (controller.isEmpty()
          && (controllerChanged || !old.getMetadata().getLabelsMap().equals(pod.getMetadata().getLabelsMap()))) {
        enqueueSelecting(pod);
      }
    }

    @Override
    public void onDelete(Pod pod) {
      deleted(pod);
    }
  }
}
