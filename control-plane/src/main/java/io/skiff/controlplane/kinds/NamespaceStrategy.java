package io.skiff.controlplane.kinds;

import io.skiff.api.v1.Namespace;
import io.skiff.api.v1.NamespaceSpec;
import io.skiff.api.v1.NamespaceStatus;
import io.skiff.controlplane.registry.Strategy;
import io.skiff.controlplane.validation.FieldErrors;
import io.skiff.controlplane.validation.FieldPath;
import io.skiff.controlplane.validation.Names;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Namespaces, as in Kubernetes: a DNS label for a name; the "kubernetes"
 * finalizer in the spec holds a deleted namespace (phase Terminating) until the
 * {@code NamespaceCleaner} has removed what it contains.
 */
final class NamespaceStrategy implements Strategy<Namespace> {
  static final String CONTENT_FINALIZER = "kubernetes";
  static final String ACTIVE = "Active";
  static final String TERMINATING = "Terminating";

  @Override
  public List<String> nameProblems(String name) {
    return Names.dns1123Label(name);
  }

  @Override
  public Namespace prepareForCreate(Namespace namespace) {
    return namespace.toBuilder()
        .setSpec(NamespaceSpec.newBuilder().addFinalizers(CONTENT_FINALIZER))
        .setStatus(NamespaceStatus.newBuilder().setPhase(ACTIVE))
        .build();
  }

  /** The spec's finalizers are the cleaner's to remove, not an update's (Kubernetes' rule too). */
  @Override
  public Namespace prepareForUpdate(Namespace namespace, Namespace old) {
    return namespace.toBuilder().setSpec(old.getSpec()).build();
  }

  @Override
  public void validate(Namespace namespace, FieldErrors errors) {
    String phase = namespace.getStatus().getPhase();
    FieldPath phasePath = FieldPath.root("status").child("phase");
    if (!phase.isEmpty() && !phase.equals(ACTIVE) && !phase.equals(TERMINATING)) {
      errors.notSupported(phasePath, phase, List.of(ACTIVE, TERMINATING));
    } else if (namespace.getMetadata().hasDeletionTimestamp() && !phase.equals(TERMINATING)) {
      errors.invalid(phasePath, phase, "may only be 'Terminating' if `deletionTimestamp` is not empty");
    } else if (!namespace.getMetadata().hasDeletionTimestamp() && phase.equals(TERMINATING)) {
      // a Terminating phase is what has the namespace cleaner delete everything in it
      errors.invalid(phasePath, phase, "may only be 'Terminating' if `deletionTimestamp` is set");
    }
  }

  @Override
  public Set<String> selectableFields() {
    return Set.of("status.phase");
  }

  @Override
  public Map<String, String> fieldValues(Namespace namespace) {
    return Map.of("status.phase", namespace.getStatus().getPhase());
  }

  @Override
  public boolean heldBeyondFinalizers(Namespace namespace) {
    return namespace.getSpec().getFinalizersCount() > 0;
  }

  @Override
  public String deletionRefusal(Namespace namespace) {
    String name = namespace.getMetadata().getName();
    return Kinds.SYSTEM_NAMESPACES.contains(name) ? "namespace \"" + name + "\" may not be deleted" : null;
  }

  @Override
  public Namespace markDeleting(Namespace namespace) {
    return namespace.toBuilder().setStatus(namespace.getStatus().toBuilder().setPhase(TERMINATING)).build();
  }
}
