package io.skiff.store.mvcc;

import io.skiff.proto.mvcc.Event;
import java.util.List;

/**
 * Where a watcher's output goes. Called with the hub's lock held, sometimes on
 * the apply thread: implementations must never block (offer to a bounded queue).
 */
public interface WatchSink {
  /**
   * Takes the events of one or more whole revisions, in revision order, up to
   * {@code revision}. Returns false when full; the hub then keeps the events
   * and delivers them again, in order, once {@link #ready()}.
   */
  boolean send(List<Event> events, long revision);

  /** True when {@link #send} would accept a batch. */
  boolean ready();

  /** The watcher's next revision was compacted away; the watcher has ended. */
  void compacted(long compactRevision);

  /** Nothing matched for a while; the store has reached {@code revision}. */
  void progress(long revision);
}
