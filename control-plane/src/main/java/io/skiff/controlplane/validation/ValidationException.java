package io.skiff.controlplane.validation;

import java.util.List;

/**
 * An object failed validation. The message is Kubernetes' one for an Invalid
 * status, {@code Pod "web" is invalid: <error>; <error>}, kept on one line.
 */
public final class ValidationException extends RuntimeException {
  private final String kind;
  private final String name;
  private final List<String> errors;

  /** {@code errors} must be non-empty; a message given twice is reported once, as Kubernetes does. */
  public ValidationException(String kind, String name, List<String> errors) {
    super(kind + " " + Quoting.quote(name) + " is invalid: " + String.join("; ", distinct(errors)));
    this.kind = kind;
    this.name = name;
    this.errors = distinct(errors);
  }

  private static List<String> distinct(List<String> errors) {
    if (errors.isEmpty()) {
      throw new IllegalArgumentException("a validation failure needs at least one error");
    }
    return errors.stream().distinct().toList();
  }

  public String kind() {
    return kind;
  }

  public String name() {
    return name;
  }

  /** One message per error, each {@code <field path>: <what is wrong>}. */
  public List<String> errors() {
    return errors;
  }
}
