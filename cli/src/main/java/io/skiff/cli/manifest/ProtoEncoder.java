package io.skiff.cli.manifest;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import com.google.protobuf.Timestamp;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A message as a tree, the way Kubernetes prints objects: fields in
 * declaration order under their Kubernetes names, unset and default values
 * left out, maps sorted by key, times in RFC 3339, 64-bit integers as numbers
 * except resource versions, which Kubernetes spells as strings.
 * {@link ProtoDecoder} reads the result back to an equal message.
 */
public final class ProtoEncoder {
  private static final Set<String> STRING_INTEGERS = Set.of(
      "skiff.api.v1.ObjectMeta.resource_version", "skiff.api.v1.ListMeta.resource_version",
      "skiff.api.v1.ObjectReference.resource_version", "skiff.api.v1.Preconditions.resource_version");

  private ProtoEncoder() {
  }

  public static Map<String, Object> encode(Message message) {
    Map<String, Object> tree = new LinkedHashMap<>();
    for (FieldDescriptor field : message.getDescriptorForType().getFields()) {
      if (field.isRepeated()) {
        if (message.getRepeatedFieldCount(field) == 0) {
          continue;
        }
      } else if (field.hasPresence()) {
        if (!message.hasField(field)) {
          continue;
        }
      } else if (message.getField(field).equals(field.getDefaultValue())) {
        continue;
      }
      tree.put(FieldNames.name(field), fieldValue(message, field));
    }
    return tree;
  }

  private static Object fieldValue(Message message, FieldDescriptor field) {
    Object value = message.getField(field);
    if (field.isMapField()) {
      FieldDescriptor keyField = field.getMessageType().findFieldByName("key");
      FieldDescriptor valueField = field.getMessageType().findFieldByName("value");
      Map<String, Object> map = new TreeMap<>();
      for (Object entry : (List<?>) value) {
        Message e = (Message) entry;
        map.put(String.valueOf(e.getField(keyField)), single(valueField, e.getField(valueField)));
      }
      return new LinkedHashMap<>(map);
    }
    if (field.isRepeated()) {
      List<Object> list = new ArrayList<>();
      for (Object item : (List<?>) value) {
        list.add(single(field, item));
      }
      return list;
    }
    return single(field, value);
  }

  private static Object single(FieldDescriptor field, Object value) {
    switch (field.getType()) {
      case MESSAGE:
      case GROUP:
        if (value instanceof Timestamp t) {
          return Instant.ofEpochSecond(t.getSeconds(), t.getNanos()).toString();
        }
        return encode((Message) value);
      case INT64:
      case SINT64:
      case SFIXED64:
        return STRING_INTEGERS.contains(field.getFullName()) ? value.toString() : value;
      case UINT64:
      case FIXED64:
        long u = (Long) value;
        return u >= 0 ? (Object) u : new BigInteger(Long.toUnsignedString(u));
      case UINT32:
      case FIXED32:
        return Integer.toUnsignedLong((Integer) value);
      case BYTES:
        return Base64.getEncoder().encodeToString(((ByteString) value).toByteArray());
      case ENUM:
        return ((EnumValueDescriptor) value).getName();
      default:
        return value;
    }
  }
}
