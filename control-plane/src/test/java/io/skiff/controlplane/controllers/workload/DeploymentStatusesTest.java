package io.skiff.controlplane.controllers.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.util.Timestamps;
import io.skiff.api.v1.Condition;
import io.skiff.api.v1.Deployment;
import io.skiff.api.v1.DeploymentSpec;
import io.skiff.api.v1.DeploymentStatus;
import io.skiff.api.v1.ObjectMeta;
import io.skiff.api.v1.ReplicaSet;
import io.skiff.api.v1.ReplicaSetSpec;
import io.skiff.api.v1.ReplicaSetStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A deployment of 4 wanting at least 3 available (maxUnavailable 1), with a 60 s progress deadline. */
class DeploymentStatusesTest {
  private static final Instant T0 = Instant.parse("2024-01-01T00:00:00Z");

  @Test
  void countsAreSummedAndAvailabilityJudgedAgainstMaxUnavailable() {
    ReplicaSet old = rs("old", 2, 2, 2, 2);
    ReplicaSet created = rs("new", 3, 3, 2, 1);
    DeploymentStatus status = DeploymentStatuses.calculate(deployment(DeploymentStatus.getDefaultInstance()),
        List.of(old, created), created, 1, T0);
    assertEquals(7, status.getObservedGeneration());
    assertEquals(5, status.getReplicas());
    assertEquals(3, status.getUpdatedReplicas());
    assertEquals(4, status.getReadyReplicas());
    assertEquals(3, status.getAvailableReplicas());
    assertEquals(2, status.getUnavailableReplicas());
    assertEquals("MinimumReplicasAvailable", condition(status, "Available").getReason());

    ReplicaSet fewer = rs("new", 4, 4, 2, 2);
    status = DeploymentStatuses.calculate(deployment(DeploymentStatus.getDefaultInstance()), List.of(fewer), fewer,
        1, T0);
    assertEquals("False", condition(status, "Available").getStatus());
    assertEquals("MinimumReplicasUnavailable", condition(status, "Available").getReason());
  }

  @Test
  void moreAvailableThanWantedIsNoNegativeUnavailability() {
    ReplicaSet rs = rs("new", 2, 4, 4, 4);
    assertEquals(0, DeploymentStatuses.calculate(deployment(DeploymentStatus.getDefaultInstance()), List.of(rs), rs,
        1, T0).getUnavailableReplicas());
  }

  @Test
  void progressRenewsTheConditionAndCompletionEndsIt() {
    Deployment d = deployment(withProgressing("True", "NewReplicaSetCreated", T0, 0));
    ReplicaSet half = rs("new", 4, 2, 0, 0);
    DeploymentStatus status = DeploymentStatuses.rollout(d, List.of(half), half, 1, T0.plusSeconds(30));
    Condition progressing = condition(status, "Progressing");
    assertEquals("ReplicaSetUpdated", progressing.getReason());
    assertEquals(Timestamps.fromMillis(T0.plusSeconds(30).toEpochMilli()), progressing.getLastUpdateTime());
    assertEquals(Timestamps.fromMillis(T0.toEpochMilli()), progressing.getLastTransitionTime(), "still True");

    ReplicaSet whole = rs("new", 4, 4, 4, 4);
    status = DeploymentStatuses.rollout(deployment(status), List.of(whole), whole, 1, T0.plusSeconds(40));
    assertEquals("NewReplicaSetAvailable", condition(status, "Progressing").getReason());
    assertTrue(DeploymentStatuses.untilDeadline(deployment(status), status, T0.plusSeconds(40)).isEmpty());
  }

  @Test
  void noProgressPastTheDeadlineIsReported() {
    ReplicaSet stuck = rs("new", 4, 2, 0, 0);
    Deployment d = deployment(withProgressing("True", "ReplicaSetUpdated", T0, 2));
    DeploymentStatus before = DeploymentStatuses.rollout(d, List.of(stuck), stuck, 1, T0.plusSeconds(59));
    assertEquals("ReplicaSetUpdated", condition(before, "Progressing").getReason());
    assertEquals(Optional.of(Duration.ofSeconds(2)), DeploymentStatuses.untilDeadline(d, before, T0.plusSeconds(59)));

    DeploymentStatus after = DeploymentStatuses.rollout(d, List.of(stuck), stuck, 1, T0.plusSeconds(61));
    Condition progressing = condition(after, "Progressing");
    assertEquals("False", progressing.getStatus());
    assertEquals("ProgressDeadlineExceeded", progressing.getReason());
    assertEquals("ReplicaSet \"new\" has timed out progressing.", progressing.getMessage());
  }

  @Test
  void pausingAndResumingAreNotedButADeadlinePassedIsKept() {
    Deployment running = deployment(withProgressing("True", "ReplicaSetUpdated", T0, 0));
    Deployment paused = running.toBuilder().setSpec(running.getSpec().toBuilder().setPaused(true)).build();
    DeploymentStatus status = DeploymentStatuses.pausedConditions(paused, T0).orElseThrow();
    assertEquals("Unknown", condition(status, "Progressing").getStatus());
    assertEquals("DeploymentPaused", condition(status, "Progressing").getReason());
    assertTrue(DeploymentStatuses.pausedConditions(paused.toBuilder().setStatus(status).build(), T0).isEmpty());

    DeploymentStatus resumed = DeploymentStatuses.pausedConditions(running.toBuilder().setStatus(status).build(), T0)
        .orElseThrow();
    assertEquals("DeploymentResumed", condition(resumed, "Progressing").getReason());

    Deployment late = paused.toBuilder().setStatus(withProgressing("False", "ProgressDeadlineExceeded", T0, 0)).build();
    assertTrue(DeploymentStatuses.pausedConditions(late, T0).isEmpty());
  }

  private static Deployment deployment(DeploymentStatus status) {
    return Deployment.newBuilder()
        .setMetadata(ObjectMeta.newBuilder().setName("web").setGeneration(7))
        .setSpec(DeploymentSpec.newBuilder().setReplicas(4).setProgressDeadlineSeconds(60))
        .setStatus(status)
        .build();
  }

  private static DeploymentStatus withProgressing(String status, String reason, Instant at, int updated) {
    return DeploymentStatus.newBuilder().setObservedGeneration(7).setReplicas(updated).setUpdatedReplicas(updated)
        .addConditions(DeploymentConditions.of("Progressing", status, reason, "", at)).build();
  }

  private static ReplicaSet rs(String name, int replicas, int pods, int ready, int available) {
    return ReplicaSet.newBuilder()
        .setMetadata(ObjectMeta.newBuilder().setName(name))
        .setSpec(ReplicaSetSpec.newBuilder().setReplicas(replicas))
        .setStatus(ReplicaSetStatus.newBuilder().setReplicas(pods).setReadyReplicas(ready)
            .setAvailableReplicas(available))
        .build();
  }

  private static Condition condition(DeploymentStatus status, String type) {
    return DeploymentConditions.get(status, type).orElseThrow();
  }
}
