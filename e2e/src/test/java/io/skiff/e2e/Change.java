package io.skiff.e2e;

/**
 * One change to a pod as a client knows it: ADDED, MODIFIED or DELETED at {@code resourceVersion}.
 * A writer whose call failed and who found out by reading back that a delete took effect does not
 * know the delete's revision: {@link #UNKNOWN}, which matches any.
 */
record Change(String name, String type, long resourceVersion) {
  static final long UNKNOWN = 0;

  boolean matches(Change seen) {
    return name.equals(seen.name) && type.equals(seen.type)
        && (resourceVersion == UNKNOWN || resourceVersion == seen.resourceVersion);
  }

  @Override
  public String toString() {
    return type + " " + name + "@" + (resourceVersion == UNKNOWN ? "?" : resourceVersion);
  }
}
