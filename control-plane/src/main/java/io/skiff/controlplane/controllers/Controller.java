package io.skiff.controlplane.controllers;

/**
 * A loop that drives the cluster toward what its objects ask for. It is
 * started on the leading master only, after the context's informers have
 * synced, and closed when that master stops leading; it may be started again
 * later in a fresh context, so it keeps no state beyond the context.
 */
public interface Controller extends AutoCloseable {
  /** The name used in logs and thread names ("replicaset", "scheduler"). */
  String name();

  /** Starts the controller's workers; returns at once. */
  void start();

  @Override
  void close();
}
