package io.skiff.controlplane.controllers.gc;

import com.google.protobuf.Message;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.skiff.api.v1.DeleteRequest;
import io.skiff.api.v1.ObjectMeta;
import io.skiff.api.v1.OwnerReference;
import io.skiff.api.v1.Preconditions;
import io.skiff.client.cache.Informer;
import io.skiff.controlplane.controllers.Controller;
import io.skiff.controlplane.controllers.ControllerContext;
import io.skiff.controlplane.controllers.ReconcileLoop;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes what its owners no longer hold, after Kubernetes' garbage
 * collector, for the kinds that own and are owned here (Deployments own
 * ReplicaSets, ReplicaSets own pods):
 * <ul>
 *   <li>background: an object all of whose owners are gone is deleted;
 *   <li>foreground: an owner deleted with propagationPolicy Foreground carries
 *       the {@code foregroundDeletion} finalizer; its dependents are deleted
 *       (in the foreground too), and the finalizer goes when none is left;
 *   <li>orphan: an owner with the {@code orphan} finalizer has its dependents'
 *       references to it removed, then the finalizer.
 * </ul>
 * An owner is only judged gone when the masters say so (a live Get: NOT_FOUND
 * or another uid), never from the informer alone, which may lag.
 * Work is keyed by "Kind:namespace/name".
 */
public final class GarbageCollector implements Controller {
  private static final Logger log = LoggerFactory.getLogger(GarbageCollector.class);
  static final String FOREGROUND = "foregroundDeletion";
  static final String ORPHAN = "orphan";

  private final ControllerContext ctx;
  private final Map<String, OwnedKind<?>> kinds;
  private final ReconcileLoop loop;

  public GarbageCollector(ControllerContext ctx) {
    this.ctx = ctx;
    this.kinds = Map.of(
        "Pod", new OwnedKind<>(ctx.pods(), ctx.podClient()),
        "ReplicaSet", new OwnedKind<>(ctx.replicaSets(), ctx.replicaSetClient()),
        "Deployment", new OwnedKind<>(ctx.deployments(), ctx.deploymentClient()));
    this.loop = new ReconcileLoop("garbage-collector", 2, this::reconcile);
  }

  @Override
  public String name() {
    return "garbage-collector";
  }

  @Override
  public void start() {
    kinds.values().forEach(this::watch);
    loop.start();
  }

  private <T extends Message> void watch(OwnedKind<T> kind) {
    kind.informer().addHandler(new Informer.Handler<>() {
      @Override
      public void onAdd(T object) {
        changed(kind, object);
      }

      @Override
      public void onUpdate(T old, T object) {
        changed(kind, object);
      }

      @Override
      public void onDelete(T object) {
        ObjectMeta meta = kind.meta(object);
        dependentsOf(meta.getUid()).forEach(loop::add);
        // an owner deleting in the foreground waits for this one
        for (OwnerReference owner : meta.getOwnerReferencesList()) {
          if (kinds.containsKey(owner.getKind())) {
            loop.add(owner.getKind() + ":" + Informer.key(meta.getNamespace(), owner.getName()));
          }
        }
      }
    });
    kind.informer().list().forEach(object -> changed(kind, object));
  }

  private <T extends Message> void changed(OwnedKind<T> kind, T object) {
    ObjectMeta meta = kind.meta(object);
    if (meta.getOwnerReferencesCount() > 0 || held(meta)) {
      loop.add(key(kind.kind(), meta));
    }
  }

  private static boolean held(ObjectMeta meta) {
    return meta.hasDeletionTimestamp()
        && (meta.getFinalizersList().contains(FOREGROUND) || meta.getFinalizersList().contains(ORPHAN));
  }

  /** Keys of the objects whose controlling owner has this uid. */
  private List<String> dependentsOf(String uid) {
    List<String> keys = new ArrayList<>();
    for (OwnedKind<?> kind : kinds.values()) {
      collect(kind, uid, keys);
    }
    return keys;
  }

  private <T extends Message> void collect(OwnedKind<T> kind, String uid, List<String> into) {
    for (T dependent : kind.informer().byIndex(ControllerContext.BY_OWNER, uid)) {
      into.add(key(kind.kind(), kind.meta(dependent)));
    }
  }

  private static String key(String kind, ObjectMeta meta) {
    return kind + ":" + Informer.key(meta);
  }

  private Duration reconcile(String key) {
    int colon = key.indexOf(':');
    OwnedKind<?> kind = kinds.get(key.substring(0, colon));
    String path = key.substring(colon + 1);
    int slash = path.indexOf('/');
    return reconcile(kind, slash < 0 ? "" : path.substring(0, slash), path.substring(slash + 1));
  }

  private <T extends Message> Duration reconcile(OwnedKind<T> kind, String namespace, String name) {
    Optional<T> found = kind.informer().get(namespace, name);
    if (found.isEmpty()) {
      return null;
    }
    T object = found.get();
    ObjectMeta meta = kind.meta(object);
    if (meta.hasDeletionTimestamp() && meta.getFinalizersList().contains(ORPHAN)) {
      orphanDependents(meta);
      removeFinalizer(kind, object, ORPHAN);
      return null;
    }
    if (meta.hasDeletionTimestamp() && meta.getFinalizersList().contains(FOREGROUND)) {
      int left = deleteDependents(meta);
      if (left > 0) {
        return Duration.ofSeconds(1);  // their deletions also requeue us; this is the safety net
      }
      removeFinalizer(kind, object, FOREGROUND);
      return null;
    }
    if (meta.getOwnerReferencesCount() > 0 && !meta.hasDeletionTimestamp()) {
      deleteIfAbandoned(kind, object);
    }
    return null;
  }

  /** Deletes an object none of whose owners exists any more, or whose owner is being deleted in the foreground. */
  private <T extends Message> void deleteIfAbandoned(OwnedKind<T> kind, T object) {
    ObjectMeta meta = kind.meta(object);
    boolean anyAlive = false;
    for (OwnerReference ref : meta.getOwnerReferencesList()) {
      Optional<ObjectMeta> owner = liveOwner(ref, meta.getNamespace());
      if (owner == null) {
        return;  // a kind we do not know, or the masters did not answer: never delete on doubt
      }
      if (owner.isPresent() && owner.get().hasDeletionTimestamp()
          && owner.get().getFinalizersList().contains(FOREGROUND) && ref.getBlockOwnerDeletion()) {
        delete(kind, meta, "Foreground");
        return;
      }
      anyAlive |= owner.isPresent();
    }
    if (!anyAlive) {
      log.info("deleting {} {}/{}: its owners {} are gone", kind.kind(), meta.getNamespace(), meta.getName(),
          meta.getOwnerReferencesList().stream().map(r -> r.getKind() + "/" + r.getName()).toList());
      delete(kind, meta, "Background");
    }
  }

  /**
   * The owner a reference names, as the masters have it now: empty if it is
   * gone (or was replaced by another of the same name); null if unknown.
   */
  private Optional<ObjectMeta> liveOwner(OwnerReference ref, String namespace) {
    OwnedKind<?> kind = kinds.get(ref.getKind());
    if (kind == null) {
      return null;
    }
    Optional<? extends Message> cached = kind.informer().get(namespace, ref.getName());
    if (cached.isPresent() && metaOf(kind, cached.get()).getUid().equals(ref.getUid())) {
      return Optional.of(metaOf(kind, cached.get()));
    }
    try {
      Message live = kind.client().get(namespace, ref.getName());
      ObjectMeta meta = metaOf(kind, live);
      return meta.getUid().equals(ref.getUid()) ? Optional.of(meta) : Optional.empty();
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
        return Optional.empty();
      }
      log.debug("cannot read owner {}/{}: {}", ref.getKind(), ref.getName(), e.getStatus());
      return null;
    }
  }

  @SuppressWarnings("unchecked")
  private static <T extends Message> ObjectMeta metaOf(OwnedKind<T> kind, Message object) {
    return kind.meta((T) object);
  }

  /** Deletes (foreground) the dependents not yet being deleted; returns how many dependents are left. */
  private int deleteDependents(ObjectMeta owner) {
    int left = 0;
    for (OwnedKind<?> kind : kinds.values()) {
      left += deleteDependents(kind, owner.getUid());
    }
    return left;
  }

  private <T extends Message> int deleteDependents(OwnedKind<T> kind, String ownerUid) {
    List<T> dependents = kind.informer().byIndex(ControllerContext.BY_OWNER, ownerUid);
    for (T dependent : dependents) {
      if (!kind.meta(dependent).hasDeletionTimestamp()) {
        delete(kind, kind.meta(dependent), "Foreground");
      }
    }
    return dependents.size();
  }

  /** Removes references to {@code owner} from every dependent. */
  private void orphanDependents(ObjectMeta owner) {
    for (OwnedKind<?> kind : kinds.values()) {
      orphanDependents(kind, owner.getUid());
    }
  }

  private <T extends Message> void orphanDependents(OwnedKind<T> kind, String ownerUid) {
    for (T dependent : kind.informer().byIndex(ControllerContext.BY_OWNER, ownerUid)) {
      ObjectMeta meta = kind.meta(dependent);
      List<OwnerReference> kept = meta.getOwnerReferencesList().stream()
          .filter(r -> !r.getUid().equals(ownerUid)).toList();
      kind.client().update(kind.withMeta(dependent, meta.toBuilder().clearOwnerReferences()
          .addAllOwnerReferences(kept).build()));
    }
  }

  private <T extends Message> void removeFinalizer(OwnedKind<T> kind, T object, String finalizer) {
    ObjectMeta meta = kind.meta(object);
    List<String> kept = meta.getFinalizersList().stream().filter(f -> !f.equals(finalizer)).toList();
    try {
      kind.client().update(kind.withMeta(object, meta.toBuilder().clearFinalizers().addAllFinalizers(kept).build()));
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() != Status.Code.NOT_FOUND) {
        throw e;
      }
    }
  }

  private <T extends Message> void delete(OwnedKind<T> kind, ObjectMeta meta, String policy) {
    try {
      kind.client().delete(DeleteRequest.newBuilder().setNamespace(meta.getNamespace()).setName(meta.getName())
          .setPropagationPolicy(policy).setPreconditions(Preconditions.newBuilder().setUid(meta.getUid())).build());
    } catch (StatusRuntimeException e) {
      Status.Code code = e.getStatus().getCode();
      if (code != Status.Code.NOT_FOUND && code != Status.Code.FAILED_PRECONDITION) {
        throw e;
      }
    }
  }

  @Override
  public void close() {
    loop.close();
  }
}
