package io.skiff.cli.manifest;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The names of message fields as manifests spell them. That is the proto3
 * JSON name (lowerCamelCase), except that Kubernetes writes the initialisms IP,
 * ID, CIDR and UUID in capitals when they are not the first word ({@code
 * hostIP}, {@code containerID}, {@code podCIDR}): both spellings are read,
 * Kubernetes' is written. Thread-safe.
 */
public final class FieldNames {
  private static final Set<String> INITIALISMS = Set.of("Ip", "Id", "Cidr", "Uuid");
  private static final Map<Descriptor, Map<String, FieldDescriptor>> BY_NAME = new ConcurrentHashMap<>();

  private FieldNames() {
  }

  /** The Kubernetes spelling of {@code field}'s name. */
  public static String name(FieldDescriptor field) {
    String json = field.getJsonName();
    StringBuilder out = new StringBuilder(json.length());
    int start = 0;
    for (int i = 1; i <= json.length(); i++) {
      if (i == json.length() || Character.isUpperCase(json.charAt(i))) {
        String word = json.substring(start, i);
        out.append(start > 0 && INITIALISMS.contains(word) ? word.toUpperCase(java.util.Locale.ROOT) : word);
        start = i;
      }
    }
    return out.toString();
  }

  /** The field a manifest means by {@code name}, or null. */
  public static FieldDescriptor find(Descriptor type, String name) {
    return fields(type).get(name);
  }

  /** Every field by both its spellings. */
  public static Map<String, FieldDescriptor> fields(Descriptor type) {
    return BY_NAME.computeIfAbsent(type, t -> {
      Map<String, FieldDescriptor> byName = new LinkedHashMap<>();
      for (FieldDescriptor field : t.getFields()) {
        byName.put(name(field), field);
        byName.putIfAbsent(field.getJsonName(), field);
      }
      return Map.copyOf(byName);
    });
  }
}
