package io.skiff.cli.commands;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import io.skiff.api.v1.ListRequest;
import io.skiff.api.v1.ObjectMeta;
import io.skiff.cli.CliException;
import io.skiff.client.ResourceClient;
import io.skiff.client.ResourceType;
import io.skiff.client.ResourceTypes;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Kind-independent helpers: names of types as users type and read them, metadata of any object, full lists. */
final class Resources {
  private Resources() {
  }

  /** The type a user means ("po", "pods", "Pod", "deployments.apps"); an error naming the known ones otherwise. */
  static ResourceType<?> type(String name) {
    String bare = name;
    String group = null;
    int dot = name.indexOf('.');
    if (dot > 0) {
      bare = name.substring(0, dot);
      group = name.substring(dot + 1);
    }
    ResourceType<?> type = ResourceTypes.named(bare).orElse(null);
    if (type != null && group != null) {
      String typeGroup = group(type);
      if (!group.equals(typeGroup) && !group.equals(type.apiVersion().replace('/', '.'))
          && !group.equals("v1." + typeGroup)) {
        type = null;
      }
    }
    if (type == null) {
      throw new CliException("the server doesn't have a resource type \"" + name + "\" (known: " + known() + ")");
    }
    return type;
  }

  static String known() {
    List<String> names = new ArrayList<>();
    for (ResourceType<?> t : ResourceTypes.ALL) {
      names.add(t.shortNames().isEmpty() ? t.resource() : t.resource() + " (" + String.join(", ", t.shortNames()) + ")");
    }
    return String.join(", ", names);
  }

  /** "apps" for apps/v1, "" for v1. */
  static String group(ResourceType<?> type) {
    int slash = type.apiVersion().indexOf('/');
    return slash < 0 ? "" : type.apiVersion().substring(0, slash);
  }

  /** kubectl's name of a type in messages: "pod", "deployment.apps". */
  static String typeName(ResourceType<?> type) {
    String group = group(type);
    String kind = type.kind().toLowerCase(Locale.ROOT);
    return group.isEmpty() ? kind : kind + "." + group;
  }

  /** "deployment.apps/web". */
  static String ref(ResourceType<?> type, String name) {
    return typeName(type) + "/" + name;
  }

  /** "deployment.apps \"web\"". */
  static String quoted(ResourceType<?> type, String name) {
    return typeName(type) + " \"" + name + "\"";
  }

  static ObjectMeta meta(Message object) {
    return (ObjectMeta) object.getField(field(object, "metadata"));
  }

  @SuppressWarnings("unchecked")
  static <T extends Message> T withMeta(T object, ObjectMeta meta) {
    return (T) object.toBuilder().setField(field(object, "metadata"), meta).build();
  }

  /** The object without status and with only the metadata a client may set: what a manifest would hold. */
  @SuppressWarnings("unchecked")
  static <T extends Message> T clearField(T object, String name) {
    FieldDescriptor f = field(object, name);
    return f == null ? object : (T) object.toBuilder().clearField(f).build();
  }

  static FieldDescriptor field(Message object, String name) {
    return object.getDescriptorForType().findFieldByName(name);
  }

  /** The object's own namespace for a namespaced type (given, or the default); "" for cluster-scoped types. */
  static String namespaceFor(ResourceType<?> type, String given, String fallback) {
    if (!type.namespaced()) {
      return "";
    }
    return given == null || given.isEmpty() ? fallback : given;
  }

  /** Every matching object, page by page (500 at a time, as kubectl), all read at one revision. */
  static <T extends Message> Listed<T> list(ResourceClient<T> client, ListRequest request) {
    List<T> items = new ArrayList<>();
    ListRequest.Builder page = request.toBuilder().setLimit(500);
    long revision = 0;
    while (true) {
      ResourceClient.Page<T> result = client.list(page.build());
      items.addAll(result.items());
      if (revision == 0) {
        revision = result.meta().getResourceVersion();
      }
      if (result.meta().getContinue().isEmpty()) {
        return new Listed<>(items, revision);
      }
      page.setContinue(result.meta().getContinue());
    }
  }

  /**
   * Read, change, write with the read version as precondition; on a conflict
   * (someone wrote in between) read and change again. Returns the object as
   * written, or as read when {@code change} left it as it was.
   */
  static <T extends Message> T update(ResourceClient<T> client, String namespace, String name,
      java.util.function.UnaryOperator<T> change) {
    for (int attempt = 0; ; attempt++) {
      T live = client.get(namespace, name);
      T changed = change.apply(live);
      if (changed.equals(live)) {
        return live;
      }
      try {
        return client.update(changed);
      } catch (io.grpc.StatusRuntimeException e) {
        if (e.getStatus().getCode() != io.grpc.Status.Code.ABORTED || attempt >= 4) {
          throw e;
        }
      }
    }
  }

  /** The objects of a List and the revision it was read at. */
  record Listed<T>(List<T> items, long resourceVersion) {
  }
}
