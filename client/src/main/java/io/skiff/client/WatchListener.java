package io.skiff.client;

import io.grpc.Status;

/** Hears one watch: its events in order, then how it ended. Called from gRPC's threads, one call at a time. */
public interface WatchListener<T> {
  /** ADDED, MODIFIED, DELETED or BOOKMARK. */
  void onEvent(String type, T object);

  /** The stream ended: OK when the server closed it, else why. */
  void onEnd(Status status);
}
