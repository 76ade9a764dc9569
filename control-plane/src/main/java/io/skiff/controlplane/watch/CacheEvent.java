package io.skiff.controlplane.watch;

import io.skiff.controlplane.registry.ObjectFilter;

/**
 * One change in the watch cache. {@code object} is the object after the change
 * (for DELETED, its last state) and {@code previous} before it (null for ADDED),
 * both as clients see them; {@code revision} is the store revision of the change.
 */
record CacheEvent<T>(String type, T object, T previous, long revision, Deliveries<T> deliveries) {
  static final String ADDED = "ADDED";
  static final String MODIFIED = "MODIFIED";
  static final String DELETED = "DELETED";
  static final String BOOKMARK = "BOOKMARK";

  CacheEvent(String type, T object, T previous, long revision) {
    this(type, object, previous, revision, new Deliveries<>());
  }

  /**
   * The event as a watcher sends it: as it is, as ADDED (a change that enters
   * the watcher's selector), or as DELETED of the previous state at this
   * revision (one that leaves it, made by {@code atThisRevision}). Shared by
   * every watcher that sends it so.
   */
  Delivery<T> as(String sentType, java.util.function.UnaryOperator<T> atThisRevision) {
    if (sentType.equals(type)) {
      Delivery<T> d = deliveries.same;
      return d != null ? d : (deliveries.same = new Delivery<>(type, object));
    }
    if (sentType.equals(ADDED)) {
      Delivery<T> d = deliveries.entering;
      return d != null ? d : (deliveries.entering = new Delivery<>(ADDED, object));
    }
    Delivery<T> d = deliveries.leaving;
    return d != null ? d : (deliveries.leaving = new Delivery<>(DELETED, atThisRevision.apply(previous)));
  }

  /**
   * What filters read of the object after and before the change, worked out
   * once for every watcher of the kind (a thousand nodes' pod watches test
   * each pod event; building this per watcher was most of a master's CPU).
   */
  ObjectFilter.Facts facts(boolean before, java.util.function.Function<T, ObjectFilter.Facts> compute) {
    if (before) {
      ObjectFilter.Facts f = deliveries.previousFacts;
      return f != null ? f : (deliveries.previousFacts = compute.apply(previous));
    }
    ObjectFilter.Facts f = deliveries.objectFacts;
    return f != null ? f : (deliveries.objectFacts = compute.apply(object));
  }


  /** The shared forms of one event (a race may build one twice; either serves). */
  static final class Deliveries<T> {
    private volatile Delivery<T> same;
    private volatile Delivery<T> entering;
    private volatile Delivery<T> leaving;
    private volatile ObjectFilter.Facts objectFacts;
    private volatile ObjectFilter.Facts previousFacts;
  }
}
