package io.skiff.cli.manifest;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import com.google.protobuf.Timestamp;
import java.math.BigInteger;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds a protobuf message from a YAML/JSON tree, field by field through the
 * message's descriptor, the way Kubernetes decodes manifests strictly: a field
 * the message does not have is an error (with the nearest name it does have),
 * so is a value of the wrong type; nothing is dropped silently. A null is an
 * unset field. Numbers are accepted where Kubernetes takes an int-or-string
 * (maxSurge, maxUnavailable) or a quantity (cpu: 1). Every problem is collected
 * with its field path. One decoder per tree; not thread-safe.
 */
public final class ProtoDecoder {
  /** One thing wrong with a tree, at a field path like {@code spec.containers[0].image}. */
  public record Problem(String path, String message) {
    @Override
    public String toString() {
      return path.isEmpty() ? message : path + ": " + message;
    }
  }

  private static final int MAX_PROBLEMS = 20;
  /** Strings in the API that Kubernetes types as IntOrString or Quantity: numbers are read as their text. */
  private static final Set<String> NUMBERS_AS_TEXT = Set.of(
      "skiff.api.v1.RollingUpdateDeployment.max_surge",
      "skiff.api.v1.RollingUpdateDeployment.max_unavailable",
      "skiff.api.v1.ResourceRequirements.limits",
      "skiff.api.v1.ResourceRequirements.requests",
      "skiff.api.v1.NodeStatus.capacity",
      "skiff.api.v1.NodeStatus.allocatable");

  private final List<Problem> problems = new ArrayList<>();

  /** The message, or the problems found (never both: a message is returned only when there are none). */
  public record Result<T>(T message, List<Problem> problems) {
    public boolean ok() {
      return problems.isEmpty();
    }
  }

  public static <T extends Message> Result<T> decode(Object tree, T prototype) {
    ProtoDecoder decoder = new ProtoDecoder();
    Message.Builder builder = prototype.newBuilderForType();
    decoder.message(tree, builder, "");
    if (!decoder.problems.isEmpty()) {
      return new Result<>(null, List.copyOf(decoder.problems));
    }
    @SuppressWarnings("unchecked")
    T message = (T) builder.build();
    return new Result<>(message, List.of());
  }

  private void problem(String path, String message) {
    if (problems.size() < MAX_PROBLEMS) {
      problems.add(new Problem(path, message));
    }
  }

  private void message(Object value, Message.Builder builder, String path) {
    Descriptor type = builder.getDescriptorForType();
    if (!(value instanceof Map<?, ?> map)) {
      problem(path, "expected an object, got " + Values.show(value));
      return;
    }
    for (Map.Entry<?, ?> entry : map.entrySet()) {
      String name = String.valueOf(entry.getKey());
      String fieldPath = path.isEmpty() ? name : path + "." + name;
      FieldDescriptor field = FieldNames.find(type, name);
      if (field == null) {
        problem(fieldPath, Suggestions.unknownField(type, name));
        continue;
      }
      Object v = entry.getValue();
      if (v == null) {
        continue;
      }
      if (field.isMapField()) {
        map(v, field, builder, fieldPath);
      } else if (field.isRepeated()) {
        if (!(v instanceof List<?> list)) {
          problem(fieldPath, "expected a list, got " + Values.show(v));
          continue;
        }
        for (int i = 0; i < list.size(); i++) {
          Object item = single(list.get(i), field, builder, fieldPath + "[" + i + "]", false);
          if (item != null) {
            builder.addRepeatedField(field, item);
          }
        }
      } else {
        Object single = single(v, field, builder, fieldPath, false);
        if (single != null) {
          builder.setField(field, single);
        }
      }
    }
  }

  private void map(Object value, FieldDescriptor field, Message.Builder builder, String path) {
    if (!(value instanceof Map<?, ?> map)) {
      problem(path, "expected an object, got " + Values.show(value));
      return;
    }
    Descriptor entryType = field.getMessageType();
    FieldDescriptor keyField = entryType.findFieldByName("key");
    FieldDescriptor valueField = entryType.findFieldByName("value");
    boolean numbersAsText = NUMBERS_AS_TEXT.contains(field.getFullName());
    for (Map.Entry<?, ?> entry : map.entrySet()) {
      String key = String.valueOf(entry.getKey());
      String entryPath = path + "[" + key + "]";
      if (entry.getValue() == null) {
        problem(entryPath, "expected a value, got null");
        continue;
      }
      Message.Builder entryBuilder = builder.newBuilderForField(field);
      Object v = single(entry.getValue(), valueField, entryBuilder, entryPath, numbersAsText);
      if (v != null) {
        entryBuilder.setField(keyField, key);
        entryBuilder.setField(valueField, v);
        builder.addRepeatedField(field, entryBuilder.build());
      }
    }
  }

  /** One value of {@code field}'s type, or null after recording a problem. */
  private Object single(Object v, FieldDescriptor field, Message.Builder parent, String path, boolean numbersAsText) {
    if (v == null) {
      problem(path, "expected a value, got null");
      return null;
    }
    switch (field.getJavaType()) {
      case MESSAGE:
        if (field.getMessageType().getFullName().equals(Timestamp.getDescriptor().getFullName())) {
          return timestamp(v, path);
        }
        Message.Builder sub = parent.newBuilderForField(field);
        int before = problems.size();
        message(v, sub, path);
        return problems.size() == before ? sub.build() : null;
      case STRING:
        if (v instanceof String s) {
          return s;
        }
        if ((numbersAsText || NUMBERS_AS_TEXT.contains(field.getFullName()))
            && (Values.isInteger(v) || v instanceof Double)) {
          return Values.numberText(v);
        }
        problem(path, "expected a string, got " + Values.show(v)
            + (v instanceof Number || v instanceof Boolean ? " (quote it to make it a string)" : ""));
        return null;
      case BOOLEAN:
        if (v instanceof Boolean b) {
          return b;
        }
        problem(path, "expected true or false, got " + Values.show(v));
        return null;
      case INT:
      case LONG:
        return integer(v, field, path);
      case FLOAT:
      case DOUBLE:
        if (v instanceof Number n) {
          return field.getJavaType() == FieldDescriptor.JavaType.FLOAT ? (Object) n.floatValue() : n.doubleValue();
        }
        problem(path, "expected a number, got " + Values.show(v));
        return null;
      case BYTE_STRING:
        if (v instanceof String s) {
          try {
            return ByteString.copyFrom(Base64.getDecoder().decode(s));
          } catch (IllegalArgumentException e) {
            problem(path, "expected base64 data, got " + Values.show(v));
            return null;
          }
        }
        problem(path, "expected base64 data, got " + Values.show(v));
        return null;
      case ENUM:
        EnumValueDescriptor e = v instanceof String s ? field.getEnumType().findValueByName(s) : null;
        if (e == null) {
          problem(path, "expected one of " + field.getEnumType().getValues().stream().map(x -> x.getName()).toList()
              + ", got " + Values.show(v));
        }
        return e;
      default:
        problem(path, "unsupported field type " + field.getJavaType());
        return null;
    }
  }

  private Object integer(Object v, FieldDescriptor field, String path) {
    boolean wide = field.getJavaType() == FieldDescriptor.JavaType.LONG;
    BigInteger value;
    if (Values.isInteger(v)) {
      value = Values.integer(v);
    } else if (wide && v instanceof String s && s.matches("-?[0-9]+")) {
      // proto3 JSON writes 64-bit integers as strings, and Kubernetes' resourceVersion is one
      value = new BigInteger(s);
    } else {
      problem(path, "expected an integer, got " + Values.show(v));
      return null;
    }
    boolean unsigned = switch (field.getType()) {
      case UINT32, UINT64, FIXED32, FIXED64 -> true;
      default -> false;
    };
    int bits = wide ? 64 : 32;
    BigInteger min = unsigned ? BigInteger.ZERO : BigInteger.ONE.shiftLeft(bits - 1).negate();
    BigInteger max = unsigned ? BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE)
        : BigInteger.ONE.shiftLeft(bits - 1).subtract(BigInteger.ONE);
    if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
      problem(path, "expected " + (unsigned ? "an unsigned " : "a ") + bits + "-bit integer, got " + value);
      return null;
    }
    return wide ? (Object) value.longValue() : (Object) value.intValue();
  }

  private Timestamp timestamp(Object v, String path) {
    if (v instanceof String s) {
      try {
        Instant instant;
        try {
          instant = Instant.parse(s);
        } catch (DateTimeParseException e) {
          instant = OffsetDateTime.parse(s).toInstant();
        }
        return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).setNanos(instant.getNano()).build();
      } catch (DateTimeParseException e) {
        // fall through to the problem
      }
    }
    problem(path, "expected a time (RFC 3339, like 2024-05-01T12:00:00Z), got " + Values.show(v));
    return null;
  }
}
