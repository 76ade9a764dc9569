package io.skiff.cli.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skiff.api.v1.Deployment;
import io.skiff.api.v1.DeploymentStatus;
import io.skiff.cli.testing.CliTest;
import io.skiff.cli.testing.Fixtures;
import io.skiff.cli.testing.SharedMaster;
import io.skiff.cli.testing.Skiff;
import io.skiff.client.ResourceTypes;
import org.junit.jupiter.api.Test;

/** skiff describe: kubectl's layout, with the object's events found by field selector. */
class DescribeCommandTest extends CliTest {
  @Test
  void aPodWithItsEvents() {
    Fixtures.pod(namespace, "web", "node-1", "web", "sidecar");
    Fixtures.event(namespace, "Pod", "web", "Scheduled", "Successfully assigned " + namespace + "/web to node-1");
    Fixtures.event(namespace, "Pod", "other", "Scheduled", "not about web");
    Skiff.Result result = skiff.run("describe", "pod", "web");
    assertEquals(0, result.code(), result.toString());
    String out = result.out();
    assertTrue(out.startsWith("Name:         web\nNamespace:    " + namespace + "\nNode:         node-1\n"), out);
    assertTrue(out.contains("Containers:\n  web:\n    Image:        busybox:1\n"), out);
    assertTrue(out.contains("  sidecar:\n"), out);
    assertTrue(out.matches("(?s).*Events:\n  Type    Reason     Age   From               Message\n"
        + "  ----    ------     ----  ----               -------\n"
        + "  Normal  Scheduled  \\d+s +default-scheduler  Successfully assigned " + namespace + "/web to node-1\n"), out);
    assertTrue(!out.contains("not about web"), out);
    // kinds without a layout of their own: metadata, then the rest as YAML
    String event = skiff.run("describe", "events", "-l", "").out();
    assertTrue(event.contains("reason: Scheduled\n"), event);
    assertTrue(event.contains("involvedObject:\n  kind: Pod\n  namespace: " + namespace + "\n  name: web\n"), event);
  }

  @Test
  void aDeploymentWithItsReplicaSetsAndAPrefixMatch() {
    Deployment d = Fixtures.deployment(namespace, "web", 3, "nginx:1");
    Fixtures.replicaSetOf(d, "abc", 1, "nginx:0", 0);
    Fixtures.replicaSetOf(d, "def", 2, "nginx:1", 3);
    SharedMaster.client(ResourceTypes.DEPLOYMENTS).updateStatus(d.toBuilder().setStatus(DeploymentStatus.newBuilder()
        .setReplicas(3).setUpdatedReplicas(3).setAvailableReplicas(2).setUnavailableReplicas(1)).build());
    Skiff.Result result = skiff.run("describe", "deploy", "we");
    String out = result.out();
    assertTrue(out.contains("Replicas:               3 desired | 3 updated | 3 total | 2 available | 1 unavailable\n"),
        out);
    assertTrue(out.contains("StrategyType:           RollingUpdate\n"), out);
    assertTrue(out.contains("OldReplicaSets:     <none>\nNewReplicaSet:      web-def (0/3 replicas created)\n"), out);
    Skiff.Result missing = skiff.run("describe", "deploy", "nothing");
    assertEquals(1, missing.code());
    assertEquals("error: deployments \"nothing\" not found\n", missing.err());
  }

  @Test
  void aNodeWithItsPodsAndAReplicaSet() {
    String node = namespace + "-n";
    Fixtures.node(node, false);
    Fixtures.pod(namespace, "on-node", node);
    String out = skiff.run("describe", "node", node).out();
    assertTrue(out.matches("(?s).*\nRoles: +worker\n.*"), out);
    assertTrue(out.matches("(?s).*\\n  Ready +False .*"), out);
    assertTrue(out.contains("Non-terminated Pods:          (1 in total)\n"), out);
    assertTrue(out.matches("(?s).*\n  " + namespace + " +on-node +0 +0 +\\d+s\n.*"), out);
    Deployment d = Fixtures.deployment(namespace, "api", 1, "api:1");
    Fixtures.replicaSetOf(d, "xyz", 1, "api:1", 1);
    String rs = skiff.run("describe", "rs/api-xyz").out();
    assertTrue(rs.contains("Controlled By:  Deployment/api\n"), rs);
    assertTrue(rs.contains("Pods Status:    0 Running / 0 Waiting / 0 Succeeded / 0 Failed\n"), rs);
  }
}
