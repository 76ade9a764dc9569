package io.skiff.cli.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skiff.api.v1.ContainerState;
import io.skiff.api.v1.ContainerStateRunning;
import io.skiff.api.v1.ContainerStateWaiting;
import io.skiff.api.v1.ContainerStatus;
import io.skiff.api.v1.Pod;
import io.skiff.api.v1.PodStatus;
import io.skiff.cli.manifest.Yamls;
import io.skiff.cli.testing.CliTest;
import io.skiff.cli.testing.Fixtures;
import io.skiff.cli.testing.SharedMaster;
import io.skiff.cli.testing.Skiff;
import io.skiff.client.ResourceTypes;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** skiff get: tables like kubectl's, the other output formats, selectors and namespaces. */
class GetCommandTest extends CliTest {
  private void status(Pod pod, ContainerStatus status, String phase) {
    SharedMaster.client(ResourceTypes.PODS).updateStatus(pod.toBuilder().setStatus(PodStatus.newBuilder()
        .setPhase(phase).setPodIp("10.88.0.7").addContainerStatuses(status)).build());
  }

  @Test
  void podsShowReadyStatusWithReasonsRestartsAndAge() {
    Pod ok = Fixtures.pod(namespace, "ok", null);
    status(ok, ContainerStatus.newBuilder().setName("main").setReady(true).setState(ContainerState.newBuilder()
        .setRunning(ContainerStateRunning.getDefaultInstance())).build(), "Running");
    Pod crashing = Fixtures.pod(namespace, "crashing-with-a-long-name", null);
    status(crashing, ContainerStatus.newBuilder().setName("main").setRestartCount(5).setState(ContainerState
        .newBuilder().setWaiting(ContainerStateWaiting.newBuilder().setReason("CrashLoopBackOff"))).build(), "Running");
    Fixtures.pod(namespace, "waiting", null);

    Skiff.Result result = skiff.run("get", "pods");
    assertEquals(0, result.code(), result.toString());
    assertEquals("""
        NAME                        READY   STATUS             RESTARTS   AGE
        crashing-with-a-long-name   0/1     CrashLoopBackOff   5          Xs
        ok                          1/1     Running            0          Xs
        waiting                     0/1     Pending            0          Xs
        """, ages(result.out()));

    Skiff.Result wide = skiff.run("get", "po", "ok", "-o", "wide");
    assertTrue(wide.out().lines().toList().get(0).endsWith("IP          NODE"), wide.out());
    assertTrue(wide.out().lines().toList().get(1).endsWith("10.88.0.7   <none>"), wide.out());
  }

  /** The output with every AGE (a number of seconds at the end of a line) as "Xs". */
  static String ages(String table) {
    return table.replaceAll("(?m)\\b\\d+s$", "Xs");
  }

  @Test
  void yamlJsonAndNameOutputs() {
    Fixtures.pod(namespace, "a", null);
    Fixtures.pod(namespace, "b", null);
    @SuppressWarnings("unchecked")
    Map<String, Object> one = (Map<String, Object>) Yamls.loadOne(skiff.run("get", "pod", "a", "-o", "yaml").out());
    assertEquals("v1", one.get("apiVersion"));
    assertEquals("Pod", one.get("kind"));
    assertEquals("a", ((Map<?, ?>) one.get("metadata")).get("name"));
    @SuppressWarnings("unchecked")
    Map<String, Object> list = (Map<String, Object>) Yamls.loadOne(skiff.run("get", "pods", "-o", "json").out());
    assertEquals("List", list.get("kind"));
    assertEquals(2, ((List<?>) list.get("items")).size());
    assertEquals("pod/a\npod/b\n", skiff.run("get", "pods", "-o", "name").out());
    Skiff.Result bad = skiff.run("get", "pods", "-o", "table");
    assertEquals(1, bad.code());
    assertEquals("error: --output: \"table\" is not one of wide, yaml, json, name\n", bad.err());
  }

  @Test
  void selectorsNamespacesAndSeveralKinds() {
    Fixtures.pod(namespace, "front", "node-x");
    Fixtures.pod(namespace, "back", null);
    assertEquals("pod/front\n", skiff.run("get", "pods", "-l", "app=front", "-o", "name").out());
    assertEquals("pod/front\n", skiff.run("get", "pods", "--field-selector", "spec.nodeName=node-x", "-o", "name")
        .out());
    Skiff.Result all = skiff.run("get", "pods", "-A", "-l", "app in (front,back)");
    assertTrue(all.out().startsWith("NAMESPACE"), all.out());
    assertTrue(all.out().contains(namespace + "   back"), all.out());
    Fixtures.deployment(namespace, "web", 3, "nginx:1");
    Skiff.Result mixed = skiff.run("get", "deploy,po");
    assertEquals("""
        NAME                  READY   UP-TO-DATE   AVAILABLE   AGE
        deployment.apps/web   0/3     0            0           Xs

        NAME        READY   STATUS    RESTARTS   AGE
        pod/back    0/1     Pending   0          Xs
        pod/front   0/1     Pending   0          Xs
        """, ages(mixed.out()));
    Skiff.Result bad = skiff.run("get", "pods", "-l", "app in (");
    assertEquals(1, bad.code());
    assertTrue(bad.err().startsWith("error: "), bad.err());
  }

  @Test
  void missingObjectsAndEmptyLists() {
    Skiff.Result missing = skiff.run("get", "pod", "nope");
    assertEquals(1, missing.code());
    assertEquals("error: pods \"nope\" not found\n", missing.err());
    Skiff.Result empty = skiff.run("get", "pods");
    assertEquals(0, empty.code());
    assertEquals("", empty.out());
    assertEquals("No resources found in " + namespace + " namespace.\n", empty.err());
    Skiff.Result unknown = skiff.run("get", "services");
    assertEquals(1, unknown.code());
    assertTrue(unknown.err().startsWith("error: the server doesn't have a resource type \"services\""), unknown.err());
  }

  @Test
  void nodesNamespacesAndEvents() {
    String node = namespace + "-node";
    Fixtures.node(node, true);
    Skiff.Result nodes = skiff.run("get", "no", node, "-o", "wide");
    List<String> lines = nodes.out().lines().toList();
    assertTrue(lines.get(0).startsWith("NAME") && lines.get(0).contains("STATUS   ROLES    AGE   VERSION"),
        nodes.out());
    assertTrue(lines.get(1).matches(node + " +Ready +worker +\\d+s +skiff-0.1 +<none> +<none> +Debian GNU/Linux 12 "
        + "+<unknown> +<unknown>"), nodes.out());
    assertTrue(skiff.run("get", "ns", namespace).out().matches("(?s)NAME +STATUS +AGE\n" + namespace
        + " +Active +\\d+s\n"));
    Fixtures.event(namespace, "Pod", "web", "Scheduled", "Successfully assigned");
    Skiff.Result events = skiff.run("get", "events");
    assertTrue(events.out().matches("(?s)LAST SEEN +TYPE +REASON +OBJECT +MESSAGE\n\\d+s +Normal +Scheduled "
        + "+pod/web +Successfully assigned\n"), events.out());
  }
}
