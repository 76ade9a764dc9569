package io.skiff.cli.describe;

import io.skiff.api.v1.Deployment;
import io.skiff.api.v1.OwnerReference;
import io.skiff.api.v1.PodTemplateSpec;
import io.skiff.api.v1.ReplicaSet;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * A Deployment's history as kubectl reads it: the ReplicaSets it controls
 * (owner reference with controller=true and its uid), each with its revision
 * in the annotation {@value #REVISION}; the current one is the one whose pod
 * template equals the Deployment's, ignoring the {@value #TEMPLATE_HASH}
 * label the controller adds.
 */
public final class DeploymentRevisions {
  public static final String REVISION = "deployment.kubernetes.io/revision";
  public static final String TEMPLATE_HASH = "pod-template-hash";
  public static final String CHANGE_CAUSE = "kubernetes.io/change-cause";

  private DeploymentRevisions() {
  }

  /** The replica sets {@code deployment} controls, oldest revision first. */
  public static List<ReplicaSet> owned(Deployment deployment, List<ReplicaSet> candidates) {
    return candidates.stream().filter(rs -> controlledBy(rs, deployment))
        .sorted(Comparator.comparingLong(DeploymentRevisions::revision)).toList();
  }

  private static boolean controlledBy(ReplicaSet rs, Deployment d) {
    for (OwnerReference owner : rs.getMetadata().getOwnerReferencesList()) {
      if (owner.getController() && owner.getKind().equals("Deployment")
          && (owner.getUid().isEmpty() ? owner.getName().equals(d.getMetadata().getName())
              : owner.getUid().equals(d.getMetadata().getUid()))) {
        return true;
      }
    }
    return false;
  }

  /** The revision annotation as a number; 0 when missing or not a number. */
  public static long revision(ReplicaSet rs) {
    try {
      return Long.parseLong(rs.getMetadata().getAnnotationsOrDefault(REVISION, "0"));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /** The template without the controller's pod-template-hash label: what a Deployment's template holds. */
  public static PodTemplateSpec withoutHash(PodTemplateSpec template) {
    return template.toBuilder().setMetadata(template.getMetadata().toBuilder().removeLabels(TEMPLATE_HASH)).build();
  }

  /** The replica set running the deployment's current template, if any. */
  public static Optional<ReplicaSet> current(Deployment deployment, List<ReplicaSet> owned) {
    PodTemplateSpec template = withoutHash(deployment.getSpec().getTemplate());
    return owned.stream().filter(rs -> withoutHash(rs.getSpec().getTemplate()).equals(template))
        .max(Comparator.comparingLong(DeploymentRevisions::revision));
  }
}
