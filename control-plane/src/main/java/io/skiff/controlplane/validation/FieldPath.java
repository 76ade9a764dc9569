package io.skiff.controlplane.validation;

/**
 * Where in an object a validation error is, rendered the way Kubernetes'
 * {@code field.Path} renders it: {@code spec.containers[0].resources.limits[cpu]}.
 * Immutable; every step returns a new path.
 */
public final class FieldPath {
  private final String path;

  private FieldPath(String path) {
    this.path = path;
  }

  /** The top-level field, such as {@code metadata} or {@code spec}. */
  public static FieldPath root(String name) {
    return new FieldPath(requireName(name));
  }

  /** A field of this one: {@code spec} → {@code spec.containers}. */
  public FieldPath child(String name) {
    return new FieldPath(path + "." + requireName(name));
  }

  /** An element of a list: {@code spec.containers} → {@code spec.containers[0]}. */
  public FieldPath index(int index) {
    return new FieldPath(path + "[" + index + "]");
  }

  /** An entry of a map: {@code resources.limits} → {@code resources.limits[cpu]}. */
  public FieldPath key(String key) {
    return new FieldPath(path + "[" + key + "]");
  }

  private static String requireName(String name) {
    if (name.isEmpty()) {
      throw new IllegalArgumentException("a field name must be non-empty");
    }
    return name;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FieldPath other && path.equals(other.path);
  }

  @Override
  public int hashCode() {
    return path.hashCode();
  }

  @Override
  public String toString() {
    return path;
  }
}
