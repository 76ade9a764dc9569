package io.skiff.controlplane.watch;

import io.skiff.controlplane.registry.ApiException;

/** Where one client watch's events go: in practice a gRPC server stream. */
public interface WatchOutput<T> {
  /** True when the transport takes another event without buffering it. */
  boolean isReady();

  void send(String type, T object);

  /** Sends an event shared with other watchers; a transport may keep its encoding in it. */
  default void send(Delivery<T> delivery) {
    send(delivery.type(), delivery.object());
  }

  /** Ends the stream with an error (OUT_OF_RANGE: relist). */
  void fail(ApiException error);

  /** Ends the stream normally. */
  void close();
}
