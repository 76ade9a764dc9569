package io.skiff.controlplane.controllers.workload;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import io.skiff.api.v1.ObjectMeta;
import io.skiff.api.v1.OwnerReference;
import io.skiff.client.ResourceType;
import io.skiff.client.cache.Informer;
import java.util.Optional;

/** Controller owner references (Kubernetes' metav1.GetControllerOf and NewControllerRef). */
final class Owners {
  private Owners() {
  }

  /** The owner reference with controller=true, if any. */
  static Optional<OwnerReference> controllerOf(ObjectMeta meta) {
    return meta.getOwnerReferencesList().stream().filter(OwnerReference::getController).findFirst();
  }

  /**
   * The reference a controller puts on what it makes or adopts: controller=true, and
   * blockOwnerDeletion so a foreground delete of the owner waits for it.
   */
  static OwnerReference controllerReference(ResourceType<?> type, ObjectMeta owner) {
    return OwnerReference.newBuilder().setApiVersion(type.apiVersion()).setKind(type.kind())
        .setName(owner.getName()).setUid(owner.getUid()).setController(true).setBlockOwnerDeletion(true).build();
  }

  /** The controlling owner of kind {@code type}, if the informer has it (the same one: same uid). */
  static <O extends Message> Optional<O> controller(ObjectMeta dependent, ResourceType<O> type, Informer<O> owners) {
    return controllerOf(dependent).filter(o -> o.getKind().equals(type.kind()))
        .flatMap(o -> owners.get(dependent.getNamespace(), o.getName())
            .filter(owner -> meta(owner).getUid().equals(o.getUid())));
  }

  static ObjectMeta meta(Message object) {
    return (ObjectMeta) object.getField(object.getDescriptorForType().findFieldByName("metadata"));
  }

  /** A copy of {@code object} with other metadata. */
  @SuppressWarnings("unchecked")
  static <T extends Message> T withMeta(T object, ObjectMeta meta) {
    FieldDescriptor field = object.getDescriptorForType().findFieldByName("metadata");
    return (T) object.toBuilder().setField(field, meta).build();
  }
}
