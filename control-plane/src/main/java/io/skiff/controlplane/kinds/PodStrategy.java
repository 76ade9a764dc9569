package io.skiff.controlplane.kinds;

import io.skiff.api.v1.Container;
import io.skiff.api.v1.Pod;
import io.skiff.api.v1.PodSpec;
import io.skiff.api.v1.PodStatus;
import io.skiff.controlplane.registry.Strategy;
import io.skiff.controlplane.validation.FieldErrors;
import io.skiff.controlplane.validation.FieldPath;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Pods. A new pod is Pending; its spec may later change only in its
 * containers' images, and nodeName once set is fixed. A pod bound to a node is
 * deleted gracefully (its agent stops the containers, then deletes it for good);
 * one that never ran, or has finished, goes at once.
 */
final class PodStrategy implements Strategy<Pod> {
  static final List<String> PHASES = List.of("Pending", "Running", "Succeeded", "Failed", "Unknown");

  @Override
  public Pod prepareForCreate(Pod pod) {
    return pod.toBuilder().setStatus(PodStatus.newBuilder().setPhase("Pending")).build();
  }

  @Override
  public Pod defaults(Pod pod) {
    return pod.toBuilder().setSpec(PodSpecs.defaults(pod.getSpec())).build();
  }

  @Override
  public void validate(Pod pod, FieldErrors errors) {
    PodSpecs.validate(pod.getSpec(), FieldPath.root("spec"), errors);
    String phase = pod.getStatus().getPhase();
    if (!phase.isEmpty()) {
      PodSpecs.checkOneOf(phase, PHASES, FieldPath.root("status").child("phase"), errors);
    }
  }

  @Override
  public void validateUpdate(Pod pod, Pod old, FieldErrors errors) {
    PodSpec oldSpec = old.getSpec();
    PodSpec spec = pod.getSpec();
    if (!oldSpec.getNodeName().isEmpty() && !oldSpec.getNodeName().equals(spec.getNodeName())) {
      errors.invalid(FieldPath.root("spec").child("nodeName"), spec.getNodeName(), "field is immutable once set");
      return;
    }
    if (spec.getContainersCount() != oldSpec.getContainersCount()) {
      errors.forbidden(FieldPath.root("spec").child("containers"), "containers may not be added or removed");
      return;
    }
    // what may change: each container's image, the node (once), active deadline and added tolerations
    PodSpec.Builder comparable = spec.toBuilder()
        .setNodeName(oldSpec.getNodeName())
        .clearTolerations().addAllTolerations(oldSpec.getTolerationsList());
    if (oldSpec.hasActiveDeadlineSeconds()) {
      comparable.setActiveDeadlineSeconds(oldSpec.getActiveDeadlineSeconds());
    } else {
      comparable.clearActiveDeadlineSeconds();
    }
    for (int i = 0; i < spec.getContainersCount(); i++) {
      Container container = spec.getContainers(i);
      if (!container.getName().equals(oldSpec.getContainers(i).getName())) {
        errors.invalid(FieldPath.root("spec").child("containers").index(i).child("name"), container.getName(),
            "field is immutable");
      }
      comparable.setContainers(i, container.toBuilder().setImage(oldSpec.getContainers(i).getImage()));
    }
    if (!spec.getTolerationsList().containsAll(oldSpec.getTolerationsList())) {
      errors.forbidden(FieldPath.root("spec").child("tolerations"), "existing tolerations may not be removed");
    }
    if (errors.isEmpty() && !comparable.build().equals(oldSpec)) {
      errors.forbidden(FieldPath.root("spec"), "pod updates may not change fields other than "
          + "`spec.containers[*].image`, `spec.nodeName` (once), `spec.activeDeadlineSeconds` "
          + "or `spec.tolerations` (only additions)");
    }
  }

  @Override
  public Set<String> selectableFields() {
    return Set.of("spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "status.phase", "status.podIP");
  }

  @Override
  public Map<String, String> fieldValues(Pod pod) {
    return Map.of("spec.nodeName", pod.getSpec().getNodeName(),
        "spec.restartPolicy", pod.getSpec().getRestartPolicy(),
        "spec.schedulerName", pod.getSpec().getSchedulerName(),
        "status.phase", pod.getStatus().getPhase(),
        "status.podIP", pod.getStatus().getPodIp());
  }

  @Override
  public long defaultGracePeriodSeconds(Pod pod) {
    String phase = pod.getStatus().getPhase();
    if (pod.getSpec().getNodeName().isEmpty() || phase.equals("Succeeded") || phase.equals("Failed")) {
      return 0;
    }
    return pod.getSpec().getTerminationGracePeriodSeconds();
  }
}
