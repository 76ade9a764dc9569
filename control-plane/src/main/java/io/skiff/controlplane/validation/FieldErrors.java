package io.skiff.controlplane.validation;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Collects field-level validation errors worded as Kubernetes' {@code field.ErrorList}
 * words them, e.g. {@code spec.containers[0].image: Required value}. Not thread-safe:
 * one instance per validation pass.
 */
public final class FieldErrors {
  private final List<String> messages = new ArrayList<>();

  /** {@code <path>: Required value}. */
  public FieldErrors required(FieldPath path) {
    return required(path, "");
  }

  /** {@code <path>: Required value: <detail>}. */
  public FieldErrors required(FieldPath path, String detail) {
    return add(path, "Required value", detail);
  }

  /**
   * {@code <path>: Invalid value: "Web_1": <detail>}. Strings are quoted and numbers are not, as in
   * Kubernetes; a collection lists its elements the same way: {@code ["a", "b"]}.
   */
  public FieldErrors invalid(FieldPath path, Object value, String detail) {
    return add(path, "Invalid value: " + render(value), detail);
  }

  /** {@code <path>: Unsupported value: "Sometimes": supported values: "Always", "Never"}; sorted so the message is stable. */
  public FieldErrors notSupported(FieldPath path, Object value, Collection<String> allowed) {
    String supported = allowed.stream().sorted().map(Quoting::quote).collect(Collectors.joining(", "));
    return add(path, "Unsupported value: " + render(value), allowed.isEmpty() ? "" : "supported values: " + supported);
  }

  /** {@code <path>: Duplicate value: "web"}. */
  public FieldErrors duplicate(FieldPath path, Object value) {
    return add(path, "Duplicate value: " + render(value), "");
  }

  /** {@code <path>: Forbidden: <detail>}. */
  public FieldErrors forbidden(FieldPath path, String detail) {
    return add(path, "Forbidden", detail);
  }

  /** {@code <path>: Too long: must have at most <max> bytes}; the value itself is left out, as it is long. */
  public FieldErrors tooLong(FieldPath path, int max) {
    return add(path, "Too long", "must have at most " + max + " bytes");
  }

  public FieldErrors addAll(FieldErrors other) {
    messages.addAll(other.messages);
    return this;
  }

  public boolean isEmpty() {
    return messages.isEmpty();
  }

  /** The errors so far, in the order they were found. */
  public List<String> messages() {
    return List.copyOf(messages);
  }

  /** Throws {@code Kind "name" is invalid: ...} when any error was collected. */
  public void throwIfAny(String kind, String name) {
    if (!messages.isEmpty()) {
      throw new ValidationException(kind, name, messages);
    }
  }

  private FieldErrors add(FieldPath path, String body, String detail) {
    messages.add(path + ": " + body + (detail.isEmpty() ? "" : ": " + detail));
    return this;
  }

  private static String render(Object value) {
    if (value == null) {
      return "null";
    }
    if (value instanceof Collection<?> elements) {
      return elements.stream().map(FieldErrors::render).collect(Collectors.joining(", ", "[", "]"));
    }
    return value instanceof String s ? Quoting.quote(s) : value.toString();
  }
}
