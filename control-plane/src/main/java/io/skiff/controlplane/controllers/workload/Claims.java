package io.skiff.controlplane.controllers.workload;

import com.google.protobuf.Message;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.skiff.api.v1.ObjectMeta;
import io.skiff.api.v1.OwnerReference;
import io.skiff.client.ResourceClient;
import io.skiff.controlplane.selector.LabelSelector;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * Who controls what (Kubernetes' ControllerRefManager): of the candidates a
 * controller sees, it keeps those it controls that still match its selector,
 * adopts matching orphans by adding its controller reference, and releases
 * those it controls that no longer match. Objects controlled by someone else
 * are left alone. Every change is an Update conditional on the version read,
 * so a stale cache makes it fail (and retry) rather than overwrite.
 */
final class Claims<T extends Message> {
  private final ResourceClient<T> client;

  Claims(ResourceClient<T> client) {
    this.client = client;
  }

  /**
   * The candidates {@code owner} controls after adopting and releasing.
   * {@code canAdopt} is asked once, before the first adoption: a fresh look at
   * the owner (Kubernetes re-reads it uncached, so a deleted and re-created
   * owner of the same name adopts nothing for its predecessor).
   */
  List<T> claim(OwnerReference owner, boolean ownerDeleting, LabelSelector selector, List<T> candidates,
      BooleanSupplier canAdopt) {
    List<T> owned = new ArrayList<>();
    Boolean adoptable = ownerDeleting ? false : null;
    for (T candidate : candidates) {
      ObjectMeta meta = client.meta(candidate);
      Optional<OwnerReference> controller = Owners.controllerOf(meta);
      boolean matches = selector.matches(meta.getLabelsMap());
      if (controller.isPresent()) {
        if (!controller.get().getUid().equals(owner.getUid())) {
          continue;
        }
        if (matches) {
          owned.add(candidate);
        } else if (!ownerDeleting) {
          release(candidate, meta, owner.getUid());
        }
        continue;
      }
      if (!matches || meta.hasDeletionTimestamp()) {
        continue;
      }
      if (adoptable == null) {
        adoptable = canAdopt.getAsBoolean();
      }
      if (adoptable) {
        adopt(candidate, meta, owner).ifPresent(owned::add);
      }
    }
    return owned;
  }

  /**
   * A fresh read of the owner for {@link #claim}'s {@code canAdopt}: it is
   * still the one the cache showed (same uid) and is not being deleted.
   */
  static BooleanSupplier ownerStillThere(ResourceClient<?> owners, ObjectMeta owner) {
    return () -> {
      try {
        ObjectMeta fresh = Owners.meta(owners.get(owner.getNamespace(), owner.getName()));
        return fresh.getUid().equals(owner.getUid()) && !fresh.hasDeletionTimestamp();
      } catch (StatusRuntimeException e) {
        if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
          return false;
        }
        throw e;
      }
    };
  }

  private Optional<T> adopt(T candidate, ObjectMeta meta, OwnerReference owner) {
    return updateUnlessGone(Owners.withMeta(candidate, meta.toBuilder().addOwnerReferences(owner).build()));
  }

  private void release(T candidate, ObjectMeta meta, String ownerUid) {
    ObjectMeta.Builder released = meta.toBuilder().clearOwnerReferences();
    meta.getOwnerReferencesList().stream().filter(o -> !o.getUid().equals(ownerUid))
        .forEach(released::addOwnerReferences);
    updateUnlessGone(Owners.withMeta(candidate, released.build()));
  }

  private Optional<T> updateUnlessGone(T changed) {
    try {
      return Optional.of(client.update(changed));
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
        return Optional.empty();  // deleted meanwhile: nothing to claim
      }
      throw e;
    }
  }
}
