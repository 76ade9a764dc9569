package io.skiff.cli.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skiff.api.v1.ListRequest;
import io.skiff.api.v1.OwnerReference;
import io.skiff.api.v1.Pod;
import io.skiff.cli.testing.CliTest;
import io.skiff.cli.testing.Fixtures;
import io.skiff.cli.testing.SharedMaster;
import io.skiff.cli.testing.Skiff;
import io.skiff.client.ResourceTypes;
import java.util.List;
import org.junit.jupiter.api.Test;

/** skiff cordon, uncordon and drain on nodes that the test registers as an agent would. */
class NodeCommandsTest extends CliTest {
  private boolean unschedulable(String node) {
    return SharedMaster.client(ResourceTypes.NODES).get("", node).getSpec().getUnschedulable();
  }

  private List<String> podsOn(String node) {
    return SharedMaster.client(ResourceTypes.PODS).list(ListRequest.newBuilder()
        .setFieldSelector("spec.nodeName=" + node).build()).items().stream()
        .map(p -> p.getMetadata().getName()).sorted().toList();
  }

  /** A pod that a ReplicaSet "manages" (an owner reference with controller=true). */
  private void managedPod(String name, String node) {
    Pod pod = Fixtures.pod(namespace, name, node);
    SharedMaster.client(ResourceTypes.PODS).update(pod.toBuilder().setMetadata(pod.getMetadata().toBuilder()
        .addOwnerReferences(OwnerReference.newBuilder().setApiVersion("apps/v1").setKind("ReplicaSet")
            .setName("web-abc").setUid("rs-uid").setController(true))).build());
  }

  @Test
  void cordonAndUncordon() {
    String node = namespace + "-a";
    Fixtures.node(node, true);
    assertEquals("node/" + node + " cordoned\n", skiff.run("cordon", node).out());
    assertTrue(unschedulable(node));
    assertTrue(skiff.run("get", "node", node).out().contains("Ready,SchedulingDisabled"));
    assertEquals("node/" + node + " already cordoned\n", skiff.run("cordon", "node/" + node).out());
    assertEquals("node/" + node + " uncordoned\n", skiff.run("uncordon", node).out());
    assertFalse(unschedulable(node));
    assertEquals("error: nodes \"nowhere\" not found\n", skiff.run("cordon", "nowhere").err());
  }

  @Test
  void drainRefusesPodsNoControllerManagesUnlessForced() {
    String node = namespace + "-b";
    Fixtures.node(node, true);
    managedPod("managed", node);
    Fixtures.pod(namespace, "loner", node);
    Skiff.Result refused = skiff.run("drain", node, "--grace-period=0");
    assertEquals(1, refused.code());
    assertEquals("node/" + node + " cordoned\n", refused.out());
    assertEquals("error: cannot delete pods that no controller manages (use --force to delete them anyway): "
        + namespace + "/loner\n", refused.err());
    assertEquals(List.of("loner", "managed"), podsOn(node), "nothing was deleted");

    Skiff.Result forced = skiff.run("drain", node, "--grace-period=0", "--force");
    assertEquals(0, forced.code(), forced.toString());
    assertEquals("node/" + node + " already cordoned\nevicting pod " + namespace + "/loner\nevicting pod " + namespace
        + "/managed\npod/loner evicted\npod/managed evicted\nnode/" + node + " drained\n", forced.out());
    assertEquals(List.of(), podsOn(node));
  }

  @Test
  void drainWaitsForGracefulDeletionsWithinItsTimeout() {
    String node = namespace + "-c";
    Fixtures.node(node, true);
    managedPod("slow", node);
    // with no agent to stop the containers, a graceful deletion never finishes: drain gives up after --timeout
    Skiff.Result result = skiff.run("drain", node, "--timeout=1s");
    assertEquals(1, result.code());
    assertTrue(result.out().contains("evicting pod " + namespace + "/slow\n"), result.out());
    assertEquals("error: drain of node/" + node + " did not complete: timed out after 1s waiting for 1 object(s) to go: "
        + "pod/" + namespace + "/slow\n", result.err());
    assertTrue(SharedMaster.client(ResourceTypes.PODS).get(namespace, "slow").getMetadata().hasDeletionTimestamp());
  }
}
