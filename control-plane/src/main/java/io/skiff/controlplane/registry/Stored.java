package io.skiff.controlplane.registry;

/** An object as read from the store, with the revision that last wrote it. */
public record Stored<T>(T object, long revision) {
}
