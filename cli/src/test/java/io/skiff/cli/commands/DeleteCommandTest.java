package io.skiff.cli.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.skiff.api.v1.ListRequest;
import io.skiff.cli.testing.CliTest;
import io.skiff.cli.testing.Fixtures;
import io.skiff.cli.testing.SharedMaster;
import io.skiff.cli.testing.Skiff;
import io.skiff.client.ResourceTypes;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** skiff delete: by name, TYPE/NAME, manifest, label selector, --all; grace periods, cascade, waiting. */
class DeleteCommandTest extends CliTest {
  private List<String> pods() {
    return SharedMaster.client(ResourceTypes.PODS).list(ListRequest.newBuilder().setNamespace(namespace).build())
        .items().stream().map(p -> p.getMetadata().getName()).sorted().toList();
  }

  private static void assertNotFound(Executable get) {
    StatusRuntimeException e = org.junit.jupiter.api.Assertions.assertThrows(StatusRuntimeException.class, get);
    assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode());
  }

  @Test
  void byNameByTypeSlashNameBySelectorAndAll() {
    for (String name : List.of("a", "b", "c", "d", "e")) {
      Fixtures.pod(namespace, name, null);
    }
    assertEquals("pod \"a\" deleted\npod \"b\" deleted\n", skiff.run("delete", "pod", "a", "b").out());
    assertEquals("pod \"c\" deleted\n", skiff.run("delete", "po/c").out());
    assertEquals("pod \"d\" deleted\n", skiff.run("delete", "pods", "-l", "app=d").out());
    assertEquals(List.of("e"), pods());
    assertEquals("pod \"e\" deleted\n", skiff.run("delete", "pods", "--all").out());
    assertEquals(List.of(), pods());
  }

  @Test
  void byManifest() throws IOException {
    String file = file("web.yaml", """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web}
        spec:
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec: {containers: [{name: web, image: nginx}]}
        """);
    assertEquals(0, skiff.run("apply", "-f", file).code());
    Skiff.Result result = skiff.run("delete", "-f", file);
    assertEquals("deployment.apps \"web\" deleted\n", result.out(), result.toString());
    assertNotFound(() -> SharedMaster.client(ResourceTypes.DEPLOYMENTS).get(namespace, "web"));
  }

  @Test
  void missingObjectsAreErrorsUnlessIgnored() {
    Fixtures.pod(namespace, "here", null);
    Skiff.Result result = skiff.run("delete", "pod", "gone", "here");
    assertEquals(1, result.code());
    assertEquals("pod \"here\" deleted\n", result.out());
    assertEquals("error: pods \"gone\" not found\n", result.err());
    Skiff.Result ignored = skiff.run("delete", "pod", "gone", "--ignore-not-found");
    assertEquals(0, ignored.code(), ignored.toString());
    Skiff.Result noName = skiff.run("delete", "pods");
    assertEquals(1, noName.code());
    assertEquals("error: no name given for pods; give names, -l SELECTOR or --all\n", noName.err());
  }

  @Test
  void cascadePoliciesAreKubectlsWords() {
    Fixtures.deployment(namespace, "web", 1, "nginx");
    Fixtures.deployment(namespace, "api", 1, "nginx");
    Fixtures.deployment(namespace, "db", 1, "nginx");
    // no garbage collector runs here: the owners stay, held by the policy's finalizer, so nobody waits
    assertEquals(0, skiff.run("delete", "deploy", "web", "--cascade=orphan", "--wait=false").code());
    assertEquals(0, skiff.run("delete", "deploy", "api", "--cascade=foreground", "--wait=false").code());
    assertEquals(List.of("orphan"), SharedMaster.client(ResourceTypes.DEPLOYMENTS).get(namespace, "web").getMetadata().getFinalizersList());
    assertEquals(List.of("foregroundDeletion"),
        SharedMaster.client(ResourceTypes.DEPLOYMENTS).get(namespace, "api").getMetadata().getFinalizersList());
    Skiff.Result bad = skiff.run("delete", "deploy", "db", "--cascade=sideways");
    assertEquals(1, bad.code());
    assertEquals("error: --cascade: \"sideways\" is not one of background, foreground, orphan\n", bad.err());
    assertEquals("Background", DeleteCommand.propagationPolicy("true"));
    assertEquals("Orphan", DeleteCommand.propagationPolicy("false"));
  }

  @Test
  void aBoundPodIsDeletedGracefullyAndWaitedForWithinTheTimeout() {
    Fixtures.pod(namespace, "bound", "node-1");
    // no agent runs here to finish the graceful deletion: the wait times out, the pod is Terminating
    Skiff.Result result = skiff.run("delete", "pod", "bound", "--timeout=1s");
    assertEquals(1, result.code(), result.toString());
    assertEquals("pod \"bound\" deleted\n", result.out());
    assertEquals("error: timed out after 1s waiting for 1 object(s) to go: pod/" + namespace + "/bound\n",
        result.err());
    assertTrue(skiff.run("get", "pods").out().contains("Terminating"));
    // --grace-period=0 removes it at once, as an agent's final delete would
    assertEquals(0, skiff.run("delete", "pod", "bound", "--grace-period=0").code());
    assertEquals(List.of(), pods());
  }
}
