package io.skiff.controlplane.registry;

import com.google.protobuf.Message;
import io.skiff.controlplane.validation.FieldErrors;
import io.skiff.controlplane.validation.Names;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What is particular to one kind: defaults, validation, the fields a field
 * selector may use, and how deletion goes. The generic {@link Registry} does
 * everything else (storage, concurrency, metadata, selectors, watch).
 */
public interface Strategy<T extends Message> {
  /** Fills defaults; runs on create and update, so it must be idempotent. */
  default T defaults(T object) {
    return object;
  }

  /** Resets what a create may not set (e.g. a pod's status starts Pending). */
  default T prepareForCreate(T object) {
    return object;
  }

  /** Adjusts an update before validation (e.g. keeps fields only other verbs write). */
  default T prepareForUpdate(T object, T old) {
    return object;
  }

  /** What is wrong with a name (most kinds: a DNS-1123 subdomain). */
  default List<String> nameProblems(String name) {
    return Names.dns1123Subdomain(name);
  }

  /** Checks the spec (metadata is checked by the registry). */
  void validate(T object, FieldErrors errors);

  /** Checks what may not change; {@link #validate} also runs on updates. */
  default void validateUpdate(T object, T old, FieldErrors errors) {
  }

  /** Field-selector fields beyond metadata.name and metadata.namespace. */
  default Set<String> selectableFields() {
    return Set.of();
  }

  default Map<String, String> fieldValues(T object) {
    return Map.of();
  }

  /**
   * Grace period when a Delete does not give one. 0 means the object is not
   * deleted gracefully at all: a grace period the Delete asks for is ignored.
   */
  default long defaultGracePeriodSeconds(T object) {
    return 0;
  }

  /** Why this object may not be deleted at all, or null (it may). */
  default String deletionRefusal(T object) {
    return null;
  }

  /** True while something other than metadata.finalizers holds a deleted object (a namespace's content). */
  default boolean heldBeyondFinalizers(T object) {
    return false;
  }

  /**
   * For kinds that fence writers (leases): who holds this object, or null. A
   * write that changes the holder moves the object's {@link Fence}.
   */
  default String fenceHolder(T object) {
    return null;
  }

  /** Marks an object whose deletion has begun (e.g. a namespace's phase becomes Terminating). */
  default T markDeleting(T object) {
    return object;
  }
}
