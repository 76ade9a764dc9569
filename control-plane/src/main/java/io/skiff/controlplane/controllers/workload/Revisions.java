package io.skiff.controlplane.controllers.workload;

import io.skiff.api.v1.Deployment;
import io.skiff.api.v1.ObjectMeta;
import io.skiff.api.v1.ReplicaSet;
import java.util.Collection;
import java.util.Map;
import java.util.Set;

/**
 * The annotations a Deployment's controller keeps on its ReplicaSets
 * (Kubernetes' deployment util): the revision each template was last rolled
 * out as, the revisions it had before (a rollback brings an old template back
 * as a new revision), and the Deployment's size when each was last scaled, for
 * proportional scaling.
 */
final class Revisions {
  static final String REVISION = "deployment.kubernetes.io/revision";
  static final String REVISION_HISTORY = "deployment.kubernetes.io/revision-history";
  static final String DESIRED_REPLICAS = "deployment.kubernetes.io/desired-replicas";
  static final String MAX_REPLICAS = "deployment.kubernetes.io/max-replicas";
  /** Deployment annotations not copied to its ReplicaSets: the controller's own, and kubectl's last applied. */
  private static final Set<String> NOT_COPIED = Set.of(REVISION, REVISION_HISTORY, DESIRED_REPLICAS, MAX_REPLICAS,
      "kubectl.kubernetes.io/last-applied-configuration");

  private Revisions() {
  }

  /** The revision annotation as a number; 0 when missing or not a number. */
  static long of(ObjectMeta meta) {
    return number(meta.getAnnotationsOrDefault(REVISION, "0"));
  }

  static long max(Collection<ReplicaSet> replicaSets) {
    return replicaSets.stream().mapToLong(rs -> of(rs.getMetadata())).max().orElse(0);
  }

  /** A number annotation; 0 when missing or not a number. */
  static int intAnnotation(ObjectMeta meta, String name) {
    return (int) number(meta.getAnnotationsOrDefault(name, "0"));
  }

  /**
   * Kubernetes' SetNewReplicaSetAnnotations: the Deployment's own annotations
   * (such as kubernetes.io/change-cause) copied, and the revision raised to
   * {@code revision} if lower, the one it replaces kept in the history.
   */
  static ObjectMeta forNewReplicaSet(ObjectMeta rs, Deployment d, long revision) {
    ObjectMeta.Builder meta = rs.toBuilder();
    d.getMetadata().getAnnotationsMap().forEach((name, value) -> {
      if (!NOT_COPIED.contains(name)) {
        meta.putAnnotations(name, value);
      }
    });
    long old = of(rs);
    if (old < revision) {
      meta.putAnnotations(REVISION, Long.toString(revision));
      if (rs.containsAnnotations(REVISION)) {
        String history = rs.getAnnotationsOrDefault(REVISION_HISTORY, "");
        meta.putAnnotations(REVISION_HISTORY, history.isEmpty() ? Long.toString(old) : history + "," + old);
      }
    }
    return meta.build();
  }

  /** The Deployment's size and its size with surge when a ReplicaSet was last scaled. */
  static ObjectMeta withReplicas(ObjectMeta rs, int desired, int maxReplicas) {
    return rs.toBuilder().putAnnotations(DESIRED_REPLICAS, Integer.toString(desired))
        .putAnnotations(MAX_REPLICAS, Integer.toString(maxReplicas)).build();
  }

  static boolean replicasNeedUpdate(ObjectMeta rs, int desired, int maxReplicas) {
    Map<String, String> a = rs.getAnnotationsMap();
    return !Integer.toString(desired).equals(a.get(DESIRED_REPLICAS))
        || !Integer.toString(maxReplicas).equals(a.get(MAX_REPLICAS));
  }

  private static long number(String value) {
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
