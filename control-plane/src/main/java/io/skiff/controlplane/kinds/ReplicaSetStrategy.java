package io.skiff.controlplane.kinds;

import io.skiff.api.v1.ReplicaSet;
import io.skiff.api.v1.ReplicaSetSpec;
import io.skiff.api.v1.ReplicaSetStatus;
import io.skiff.controlplane.registry.Strategy;
import io.skiff.controlplane.validation.FieldErrors;
import io.skiff.controlplane.validation.FieldPath;

/** ReplicaSets: one replica by default; the selector is fixed once created (as in apps/v1). */
final class ReplicaSetStrategy implements Strategy<ReplicaSet> {
  @Override
  public ReplicaSet prepareForCreate(ReplicaSet replicaSet) {
    return replicaSet.toBuilder().setStatus(ReplicaSetStatus.getDefaultInstance()).build();
  }

  @Override
  public ReplicaSet defaults(ReplicaSet replicaSet) {
    ReplicaSetSpec.Builder spec = replicaSet.getSpec().toBuilder();
    if (!spec.hasReplicas()) {
      spec.setReplicas(1);
    }
    spec.setTemplate(WorkloadSpecs.defaults(spec.getTemplate()));
    return replicaSet.toBuilder().setSpec(spec).build();
  }

  @Override
  public void validate(ReplicaSet replicaSet, FieldErrors errors) {
    ReplicaSetSpec spec = replicaSet.getSpec();
    WorkloadSpecs.validate(spec.getReplicas(), spec.getSelector(), spec.getTemplate(), FieldPath.root("spec"), errors);
    if (spec.getMinReadySeconds() < 0) {
      errors.invalid(FieldPath.root("spec").child("minReadySeconds"), spec.getMinReadySeconds(),
          "must be greater than or equal to 0");
    }
    if (replicaSet.getStatus().getReplicas() < 0) {
      errors.invalid(FieldPath.root("status").child("replicas"), replicaSet.getStatus().getReplicas(),
          "must be greater than or equal to 0");
    }
  }

  @Override
  public void validateUpdate(ReplicaSet replicaSet, ReplicaSet old, FieldErrors errors) {
    if (!replicaSet.getSpec().getSelector().equals(old.getSpec().getSelector())) {
      errors.invalid(FieldPath.root("spec").child("selector"), "", "field is immutable");
    }
  }
}
