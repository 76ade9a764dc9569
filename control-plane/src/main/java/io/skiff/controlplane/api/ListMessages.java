package io.skiff.controlplane.api;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Message;
import io.skiff.controlplane.registry.Kind;
import io.skiff.controlplane.registry.Registry;

/** Builds a kind's List message ({api_version, kind, metadata, items}) from a page. */
final class ListMessages {
  private ListMessages() {
  }

  static <T extends Message> Message list(Message listType, Kind<T> kind, Registry.ListPage<T> page) {
    Descriptor type = listType.getDescriptorForType();
    Message.Builder list = listType.newBuilderForType()
        .setField(type.findFieldByName("api_version"), kind.apiVersion())
        .setField(type.findFieldByName("kind"), kind.kind() + "List")
        .setField(type.findFieldByName("metadata"), page.meta());
    var items = type.findFieldByName("items");
    for (T item : page.items()) {
      list.addRepeatedField(items, item);
    }
    return list.build();
  }
}
