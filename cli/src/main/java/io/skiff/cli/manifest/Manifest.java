package io.skiff.cli.manifest;

import com.google.protobuf.Message;
import io.skiff.api.v1.ObjectMeta;
import io.skiff.client.ResourceType;

/**
 * One object read from a manifest: where it came from (file, document, item
 * of a List), its kind, and the decoded message.
 *
 * @param document 1-based, counting every document of the file
 * @param item 0-based index in a {@code kind: List}, or -1
 */
public record Manifest(String source, int document, int item, ResourceType<?> type, Message object) {
  public ObjectMeta meta() {
    return (ObjectMeta) object.getField(object.getDescriptorForType().findFieldByName("metadata"));
  }

  public String name() {
    return meta().getName();
  }

  /** "web.yaml: document 2 (Deployment "web")", the prefix of every message about this object. */
  public String label() {
    return label(source, document, item, type.kind(), name());
  }

  static String label(String source, int document, int item, String kind, String name) {
    StringBuilder label = new StringBuilder(source).append(": document ").append(document);
    if (item >= 0) {
      label.append(", item ").append(item + 1);
    }
    if (kind != null && !kind.isEmpty()) {
      label.append(" (").append(kind);
      if (name != null && !name.isEmpty()) {
        label.append(' ').append(Json.quote(name));
      }
      label.append(')');
    }
    return label.toString();
  }
}
