/**
 * The workload controllers: {@link io.skiff.controlplane.controllers.workload.ReplicaSetController}
 * keeps each ReplicaSet's pods, {@link io.skiff.controlplane.controllers.workload.DeploymentController}
 * rolls Deployments out through ReplicaSets, both after Kubernetes' (pkg/controller/replicaset and
 * pkg/controller/deployment). Each reconciles one "namespace/name" key at a time from the shared
 * informers' copies, never changes those copies, and writes conditionally on the version it read, so a
 * reconcile can always be repeated. The counting apart from I/O ({@code RolloutArithmetic},
 * {@code DeploymentStatuses}, {@code ReplicaSetStatuses}, {@code PodDeletionOrder}) is tested by table.
 */
package io.skiff.controlplane.controllers.workload;
