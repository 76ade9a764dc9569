package io.skiff.controlplane.kinds;

import io.skiff.api.v1.Lease;
import io.skiff.api.v1.LeaseSpec;
import io.skiff.controlplane.registry.Strategy;
import io.skiff.controlplane.validation.FieldErrors;
import io.skiff.controlplane.validation.FieldPath;

/**
 * Leases: node heartbeats and leader election, compared-and-swapped by their
 * holders. A lease with a holder fences that holder's writes (see Fence).
 */
final class LeaseStrategy implements Strategy<Lease> {
  @Override
  public String fenceHolder(Lease lease) {
    return lease.getSpec().getHolderIdentity().isEmpty() ? null : lease.getSpec().getHolderIdentity();
  }

  @Override
  public void validate(Lease lease, FieldErrors errors) {
    LeaseSpec spec = lease.getSpec();
    FieldPath path = FieldPath.root("spec");
    if (spec.hasLeaseDurationSeconds() && spec.getLeaseDurationSeconds() <= 0) {
      errors.invalid(path.child("leaseDurationSeconds"), spec.getLeaseDurationSeconds(), "must be greater than 0");
    }
    if (spec.hasLeaseTransitions() && spec.getLeaseTransitions() < 0) {
      errors.invalid(path.child("leaseTransitions"), spec.getLeaseTransitions(), "must be greater than or equal to 0");
    }
  }
}
