package io.skiff.cli.commands;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skiff.api.v1.Condition;
import io.skiff.api.v1.Deployment;
import io.skiff.api.v1.DeploymentStatus;
import io.skiff.cli.testing.CliTest;
import io.skiff.cli.testing.Fixtures;
import io.skiff.cli.testing.SharedMaster;
import io.skiff.cli.testing.Skiff;
import io.skiff.client.ResourceTypes;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * skiff scale and rollout. No Deployment controller runs here: where one
 * would write a Deployment's status or make its ReplicaSets, the test does.
 */
class WorkloadCommandsTest extends CliTest {
  private Deployment get(String name) {
    return SharedMaster.client(ResourceTypes.DEPLOYMENTS).get(namespace, name);
  }

  /** Writes the status a controller would, for the deployment's current generation. */
  private void controllerReports(int replicas, int updated, int available, Condition... conditions) {
    Deployment d = get("web");
    SharedMaster.client(ResourceTypes.DEPLOYMENTS).updateStatus(d.toBuilder().setStatus(DeploymentStatus.newBuilder()
        .setObservedGeneration(d.getMetadata().getGeneration()).setReplicas(replicas).setUpdatedReplicas(updated)
        .setAvailableReplicas(available).addAllConditions(java.util.List.of(conditions))).build());
  }

  @Test
  void scaleSetsReplicasAndHonoursTheCurrentReplicasPrecondition() {
    Fixtures.deployment(namespace, "web", 2, "nginx");
    assertEquals("deployment.apps/web scaled\n", skiff.run("scale", "deployment", "web", "--replicas=5").out());
    assertEquals(5, get("web").getSpec().getReplicas());
    Skiff.Result wrong = skiff.run("scale", "deploy/web", "--current-replicas=2", "--replicas=3");
    assertEquals(1, wrong.code());
    assertEquals("error: web: expected replicas to be 2, was 5\n", wrong.err());
    assertEquals(5, get("web").getSpec().getReplicas());
    assertEquals(0, skiff.run("scale", "deploy/web", "--current-replicas=5", "--replicas=0").code());
    assertEquals(0, get("web").getSpec().getReplicas());
    assertEquals("error: only deployments and replicasets can be scaled, not pods\n",
        skiff.run("scale", "pod", "x", "--replicas=1").err());
  }

  @Test
  void rolloutStatusFollowsTheControllersProgressUntilDone() {
    Fixtures.deployment(namespace, "web", 3, "nginx:1");
    assertEquals("Waiting for deployment spec update to be observed...\n",
        skiff.run("rollout", "status", "deploy/web", "--watch=false").out());
    try (Skiff.Background status = skiff.start("rollout", "status", "deployment", "web", "--timeout=60s")) {
      await().atMost(Duration.ofSeconds(20)).until(() -> status.out().contains("to be observed"));
      controllerReports(4, 1, 1);
      await().atMost(Duration.ofSeconds(20)).until(() -> status.out().contains(
          "Waiting for deployment \"web\" rollout to finish: 1 out of 3 new replicas have been updated...\n"));
      controllerReports(5, 3, 2);
      await().atMost(Duration.ofSeconds(20)).until(() -> status.out().contains(
          "Waiting for deployment \"web\" rollout to finish: 2 old replicas are pending termination...\n"));
      controllerReports(3, 3, 2);
      await().atMost(Duration.ofSeconds(20)).until(() -> status.out().contains(
          "Waiting for deployment \"web\" rollout to finish: 2 of 3 updated replicas are available...\n"));
      assertFalse(status.finished());
      controllerReports(3, 3, 3);
      await().atMost(Duration.ofSeconds(20)).until(status::finished);
      assertEquals(0, status.code(), status.err());
      assertTrue(status.out().endsWith("deployment \"web\" successfully rolled out\n"), status.out());
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void rolloutStatusFailsOnAPassedDeadlineOrTimeout() {
    Fixtures.deployment(namespace, "web", 1, "nginx:1");
    Skiff.Result timeout = skiff.run("rollout", "status", "deploy/web", "--timeout=1s");
    assertEquals(1, timeout.code());
    assertEquals("error: timed out waiting for the rollout of deployment.apps/web to finish\n", timeout.err());
    controllerReports(1, 0, 0, Condition.newBuilder().setType("Progressing").setStatus("False")
        .setReason("ProgressDeadlineExceeded").build());
    Skiff.Result deadline = skiff.run("rollout", "status", "deploy/web");
    assertEquals(1, deadline.code());
    assertEquals("error: deployment \"web\" exceeded its progress deadline\n", deadline.err());
    assertEquals("error: rollouts are of deployments, not pods\n", skiff.run("rollout", "status", "pod/x").err());
  }

  @Test
  void historyUndoRestartPauseAndResume() {
    Deployment d = Fixtures.deployment(namespace, "web", 2, "nginx:2");
    Fixtures.replicaSetOf(d, "aaa", 1, "nginx:1", 0);
    var current = Fixtures.replicaSetOf(d, "bbb", 2, "nginx:2", 2);
    SharedMaster.client(ResourceTypes.REPLICA_SETS).update(current.toBuilder().setMetadata(current.getMetadata()
        .toBuilder().putAnnotations("kubernetes.io/change-cause", "image bump")).build());

    assertEquals("deployment.apps/web\nREVISION  CHANGE-CAUSE\n1         <none>\n2         image bump\n\n",
        skiff.run("rollout", "history", "deployment/web").out());
    String one = skiff.run("rollout", "history", "deployment/web", "--revision=1").out();
    assertTrue(one.startsWith("deployment.apps/web with revision #1\nPod Template:\n  Labels:  app=web\n"
        + "           pod-template-hash=aaa\n"), one);
    assertTrue(one.contains("Image:        nginx:1"), one);

    assertEquals("deployment.apps/web rolled back\n", skiff.run("rollout", "undo", "deployment/web").out());
    var template = get("web").getSpec().getTemplate();
    assertEquals("nginx:1", template.getSpec().getContainers(0).getImage());
    assertFalse(template.getMetadata().containsLabels("pod-template-hash"), "the hash label is the controller's");
    assertEquals("deployment.apps/web skipped rollback (current template already matches revision 1)\n",
        skiff.run("rollout", "undo", "deployment/web", "--to-revision=1").out());
    assertEquals(0, skiff.run("rollout", "undo", "deploy", "web", "--to-revision=2").code());
    assertEquals("nginx:2", get("web").getSpec().getTemplate().getSpec().getContainers(0).getImage());
    assertEquals("error: unable to find the specified revision 9\n",
        skiff.run("rollout", "undo", "deployment/web", "--to-revision=9").err());

    assertEquals("deployment.apps/web restarted\n", skiff.run("rollout", "restart", "deployment/web").out());
    assertTrue(get("web").getSpec().getTemplate().getMetadata().getAnnotationsMap()
        .containsKey("skiff.io/restartedAt"));

    assertEquals("deployment.apps/web paused\n", skiff.run("rollout", "pause", "deployment/web").out());
    assertTrue(get("web").getSpec().getPaused());
    assertEquals("error: deployment.apps/web is already paused\n",
        skiff.run("rollout", "pause", "deployment/web").err());
    assertTrue(skiff.run("rollout", "undo", "deployment/web").err().startsWith(
        "error: you cannot roll back a paused deployment"));
    assertTrue(skiff.run("rollout", "restart", "deployment/web").err().startsWith(
        "error: can't restart paused deployment.apps/web"));
    assertEquals("deployment.apps/web resumed\n", skiff.run("rollout", "resume", "deployment/web").out());
    assertFalse(get("web").getSpec().getPaused());
    assertEquals("error: deployment.apps/web is not paused\n", skiff.run("rollout", "resume", "deployment/web").err());
  }
}
