package io.skiff.controlplane.watch;

import java.util.function.Function;

/**
 * One event as client watches send it. Every watcher that sends the same event
 * gets the same Delivery, and the transport keeps its encoding here, so a
 * thousand watchers encode an event once (encoding per watcher was most of a
 * master's CPU with 1,000 watchers).
 */
public final class Delivery<T> {
  private final String type;
  private final T object;
  private volatile Object encoded;

  public Delivery(String type, T object) {
    this.type = type;
    this.object = object;
  }

  public String type() {
    return type;
  }

  public T object() {
    return object;
  }

  /** The encoding {@code encoder} makes of this event, made once (a race may make it twice, harmlessly). */
  @SuppressWarnings("unchecked")
  public <E> E encoded(Function<Delivery<T>, E> encoder) {
    Object e = encoded;
    if (e == null) {
      e = encoder.apply(this);
      encoded = e;
    }
    return (E) e;
  }
}
