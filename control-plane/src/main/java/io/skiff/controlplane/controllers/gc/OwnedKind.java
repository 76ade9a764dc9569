package io.skiff.controlplane.controllers.gc;

import com.google.protobuf.Message;
import io.skiff.api.v1.ObjectMeta;
import io.skiff.client.ResourceClient;
import io.skiff.client.cache.Informer;

/** A kind the garbage collector tracks: its informer (indexed by owner uid) and its client. */
record OwnedKind<T extends Message>(Informer<T> informer, ResourceClient<T> client) {
  String kind() {
    return client.type().kind();
  }

  ObjectMeta meta(T object) {
    return client.meta(object);
  }

  /** The object with its metadata replaced (for updates of owner references and finalizers). */
  @SuppressWarnings("unchecked")
  T withMeta(T object, ObjectMeta meta) {
    var field = object.getDescriptorForType().findFieldByName("metadata");
    return (T) object.toBuilder().setField(field, meta).build();
  }
}
