package io.skiff.controlplane.watch;

/**
 * One change in the watch cache. {@code object} is the object after the change
 * (for DELETED, its last state) and {@code previous} before it (null for ADDED),
 * both as clients see them; {@code revision} is the store revision of the change.
 */
record CacheEvent<T>(String type, T object, T previous, long revision) {
  static final String ADDED = "ADDED";
  static final String MODIFIED = "MODIFIED";
  static final String DELETED = "DELETED";
  static final String BOOKMARK = "BOOKMARK";
}
