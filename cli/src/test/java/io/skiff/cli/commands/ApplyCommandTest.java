package io.skiff.cli.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skiff.api.v1.Deployment;
import io.skiff.api.v1.ListRequest;
import io.skiff.api.v1.Pod;
import io.skiff.api.v1.PodSpec;
import io.skiff.cli.testing.CliTest;
import io.skiff.cli.testing.SharedMaster;
import io.skiff.cli.testing.Skiff;
import io.skiff.client.ResourceTypes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** skiff apply and create against a real master. */
class ApplyCommandTest extends CliTest {
  private static final String DEPLOYMENT = """
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: web
        labels: {app: web, release: one}
      spec:
        replicas: 2
        selector: {matchLabels: {app: web}}
        template:
          metadata: {labels: {app: web}}
          spec:
            containers:
            - name: web
              image: nginx:1.25
              ports: [{containerPort: 80}]
      """;

  private Deployment deployment(String name) {
    return SharedMaster.client(ResourceTypes.DEPLOYMENTS).get(namespace, name);
  }

  @Test
  void theExamplesApplyUnchangedAndASecondApplyChangesNothing() throws IOException {
    // the examples name their own namespace; a copy in this test's namespace keeps tests apart
    Path dir = home.resolve("examples");
    Files.createDirectories(dir);
    try (var files = Files.list(Path.of("..", "examples"))) {
      for (Path example : files.toList()) {
        String text = Files.readString(example).replace("namespace: shop", "namespace: " + namespace)
            .replace("\"namespace\": \"shop\"", "\"namespace\": \"" + namespace + "\"")
            .replace("name: shop", "name: " + namespace);
        Files.writeString(dir.resolve(example.getFileName()), text);
      }
    }
    Skiff.Result first = skiff.run("apply", "-f", dir.toString());
    assertEquals(0, first.code(), first.toString());
    // the test made the namespace; the manifest adds a label to it
    assertEquals("namespace/" + namespace + " configured\nreplicaset.apps/cache created\n"
        + "deployment.apps/hello created\npod/hello created\ndeployment.apps/web created\n"
        + "deployment.apps/worker created\n", first.out());
    long version = deployment("web").getMetadata().getResourceVersion();

    Skiff.Result second = skiff.run("apply", "-f", dir.toString());
    assertEquals(0, second.code(), second.toString());
    assertEquals("namespace/" + namespace + " unchanged\nreplicaset.apps/cache unchanged\n"
        + "deployment.apps/hello unchanged\npod/hello unchanged\ndeployment.apps/web unchanged\n"
        + "deployment.apps/worker unchanged\n", second.out());
    assertEquals(version, deployment("web").getMetadata().getResourceVersion(), "nothing was written");

    Deployment web = deployment("web");
    assertEquals("1", web.getSpec().getStrategy().getRollingUpdate().getMaxSurge());
    assertEquals("0.5", web.getSpec().getTemplate().getSpec().getContainers(0).getResources().getLimitsOrThrow("cpu"));
  }

  @Test
  void roleBindingsApplyShowAndDelete() throws IOException {
    String file = file("bindings.yaml", """
        apiVersion: rbac.authorization.k8s.io/v1
        kind: RoleBinding
        metadata: {name: editors}
        role: edit
        subjects: [{kind: User, name: bob}, {kind: Group, name: dev}]
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRoleBinding
        metadata: {name: %s-viewers}
        role: view
        subjects: [{kind: Group, name: auditors}]
        """.formatted(namespace));
    Skiff.Result applied = skiff.run("apply", "-f", file);
    assertEquals(0, applied.code(), applied.toString());
    assertEquals("rolebinding.rbac.authorization.k8s.io/editors created\n"
        + "clusterrolebinding.rbac.authorization.k8s.io/" + namespace + "-viewers created\n", applied.out());

    Skiff.Result got = skiff.run("get", "rolebindings");
    assertEquals("NAME      ROLE   SUBJECTS             AGE\neditors   edit   User/bob,Group/dev   Xs\n",
        GetCommandTest.ages(got.out()), got.toString());
    Skiff.Result cluster = skiff.run("get", "clusterrolebinding", namespace + "-viewers");
    assertTrue(cluster.out().contains(namespace + "-viewers   view   Group/auditors"), cluster.toString());

    Skiff.Result bad = skiff.run("apply", "-f", file("bad.yaml", """
        apiVersion: rbac.authorization.k8s.io/v1
        kind: RoleBinding
        metadata: {name: bad}
        role: owner
        subjects: [{kind: Robot, name: ""}]
        """));
    assertEquals(1, bad.code(), bad.toString());
    assertTrue(bad.err().contains("role: Unsupported value: \"owner\""), bad.err());
    assertTrue(bad.err().contains("subjects[0].kind"), bad.err());
    assertTrue(bad.err().contains("subjects[0].name: Required value"), bad.err());

    assertEquals(0, skiff.run("delete", "-f", file).code());
    assertTrue(SharedMaster.client(ResourceTypes.ROLE_BINDINGS).list(ListRequest.newBuilder().setNamespace(namespace)
        .build()).items().isEmpty());
  }

  @Test
  void anUpdateKeepsWhatOthersSetAndDropsWhatTheManifestNoLongerHas() throws IOException {
    String file = file("web.yaml", DEPLOYMENT);
    assertEquals(0, skiff.run("apply", "-f", file).code());
    // someone else scales it and labels it
    var client = SharedMaster.client(ResourceTypes.DEPLOYMENTS);
    Deployment live = deployment("web");
    client.update(live.toBuilder().setSpec(live.getSpec().toBuilder().setReplicas(7))
        .setMetadata(live.getMetadata().toBuilder().putLabels("owner", "ops")).build());

    file("web.yaml", DEPLOYMENT.replace("release: one", "tier: front").replace("  replicas: 2\n", "")
        .replace("nginx:1.25", "nginx:1.26"));
    Skiff.Result result = skiff.run("apply", "-f", file);
    assertEquals("deployment.apps/web configured\n", result.out(), result.toString());
    Deployment after = deployment("web");
    assertEquals(java.util.Map.of("app", "web", "tier", "front", "owner", "ops"), after.getMetadata().getLabelsMap());
    assertFalse(after.getSpec().hasReplicas() && after.getSpec().getReplicas() == 2,
        "replicas left the manifest, so the last applied 2 is gone (the default applies)");
    assertEquals("nginx:1.26", after.getSpec().getTemplate().getSpec().getContainers(0).getImage());
  }

  @Test
  void aDryRunSaysWhatWouldHappenAndWritesNothing() throws IOException {
    String file = file("web.yaml", DEPLOYMENT);
    Skiff.Result dry = skiff.run("apply", "-f", file, "--dry-run");
    assertEquals("deployment.apps/web created (dry run)\n", dry.out(), dry.toString());
    assertTrue(SharedMaster.client(ResourceTypes.DEPLOYMENTS).list(ListRequest.newBuilder().setNamespace(namespace)
        .build()).items().isEmpty());
    assertEquals(0, skiff.run("apply", "-f", file).code());
    assertEquals("deployment.apps/web unchanged (dry run)\n", skiff.run("apply", "-f", file, "--dry-run=client").out());
    file("web.yaml", DEPLOYMENT.replace("replicas: 2", "replicas: 4"));
    assertEquals("deployment.apps/web configured (dry run)\n", skiff.run("apply", "-f", file, "--dry-run").out());
    assertEquals(2, deployment("web").getSpec().getReplicas());
    Skiff.Result server = skiff.run("apply", "-f", file, "--dry-run=server");
    assertEquals(1, server.code());
    assertEquals("error: --dry-run=server: the masters have no dry run yet; use --dry-run=client\n", server.err());
  }

  @Test
  void oneBadDocumentStopsTheWholeApplyBeforeAnythingIsWritten() throws IOException {
    String file = file("two.yaml", DEPLOYMENT + "---\n" + DEPLOYMENT.replace("name: web\n", "name: api\n")
        .replace("image: nginx:1.25", "imagee: nginx:1.25"));
    Skiff.Result result = skiff.run("apply", "-f", file);
    assertEquals(1, result.code());
    assertEquals("", result.out());
    assertEquals("error: " + file + ": document 2 (Deployment \"api\"): spec.template.spec.containers[0].imagee: "
        + "unknown field; did you mean \"image\"?\n", result.err());
    assertTrue(SharedMaster.client(ResourceTypes.DEPLOYMENTS).list(ListRequest.newBuilder().setNamespace(namespace)
        .build()).items().isEmpty(), "the good document was not applied either");
  }

  @Test
  void manifestsComeFromStandardInputAsYamlOrJson() {
    Skiff.Result result = skiff.runWithInput("""
        {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "json-pod"},
         "spec": {"containers": [{"name": "c", "image": "busybox"}]}}
        """, "apply", "-f", "-");
    assertEquals("pod/json-pod created\n", result.out(), result.toString());
    Pod pod = SharedMaster.client(ResourceTypes.PODS).get(namespace, "json-pod");
    assertTrue(pod.getMetadata().getAnnotationsMap().containsKey("skiff.io/last-applied-configuration"));
  }

  @Test
  void aScheduledPodReappliesUnchangedAndGetOutputAppliesBack() throws IOException {
    String file = file("pod.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n"
        + "spec: {containers: [{name: c, image: busybox}]}\n");
    assertEquals("pod/p created\n", skiff.run("apply", "-f", file).out());
    // the scheduler binds it and an agent reports it running
    var pods = SharedMaster.client(ResourceTypes.PODS);
    Pod live = pods.get(namespace, "p");
    live = pods.update(live.toBuilder().setSpec(live.getSpec().toBuilder().setNodeName("node-1")).build());
    pods.updateStatus(live.toBuilder().setStatus(live.getStatus().toBuilder().setPhase("Running")).build());
    long version = pods.get(namespace, "p").getMetadata().getResourceVersion();
    assertEquals("pod/p unchanged\n", skiff.run("apply", "-f", file).out());
    assertEquals(version, pods.get(namespace, "p").getMetadata().getResourceVersion());
    // what get prints applies back: the spec as it is, recorded as the manifest applied (so: configured)
    Pod before = pods.get(namespace, "p");
    Skiff.Result back = skiff.runWithInput(skiff.run("get", "pod", "p", "-o", "yaml").out(), "apply", "-f", "-");
    assertEquals("pod/p configured\n", back.out(), back.toString());
    Pod after = pods.get(namespace, "p");
    assertEquals(before.getSpec(), after.getSpec());
    assertEquals("Running", after.getStatus().getPhase());
    String recorded = after.getMetadata().getAnnotationsOrThrow("skiff.io/last-applied-configuration");
    assertTrue(recorded.contains("\"nodeName\":\"node-1\"") && !recorded.contains("resourceVersion")
        && !recorded.contains("uid") && !recorded.contains("status"), recorded);
  }

  @Test
  void theManifestsNamespaceMustAgreeWithAnExplicitNamespace() throws IOException {
    String file = file("p.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: elsewhere}\n"
        + "spec: {containers: [{name: c, image: i}]}\n");
    Skiff.Result result = skiff.run("apply", "-f", file, "-n", namespace);
    assertEquals(1, result.code());
    assertEquals("error: " + file + ": document 1 (Pod \"p\"): the object's namespace \"elsewhere\" does not match "
        + "--namespace \"" + namespace + "\"\n", result.err());
  }

  @Test
  void serverErrorsNameTheDocumentAndTheOthersStillApply() throws IOException {
    String file = file("pods.yaml", """
        apiVersion: v1
        kind: Pod
        metadata: {name: Bad_Name}
        spec: {containers: [{name: c, image: i}]}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: good}
        spec: {containers: [{name: c, image: i}]}
        """);
    Skiff.Result result = skiff.run("apply", "-f", file);
    assertEquals(1, result.code());
    assertEquals("pod/good created\n", result.out());
    assertTrue(result.err().startsWith("error: " + file + ": document 1 (Pod \"Bad_Name\"): "), result.err());
    assertTrue(result.err().contains("metadata.name"), result.err());
  }

  @Test
  void createRefusesWhatExistsAndGoesOnWithTheRest() throws IOException {
    String file = file("pods.yaml", """
        apiVersion: v1
        kind: Pod
        metadata: {name: first}
        spec: {containers: [{name: c, image: i}]}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: second}
        spec: {containers: [{name: c, image: i}]}
        """);
    SharedMaster.client(ResourceTypes.PODS).create(Pod.newBuilder().setMetadata(io.skiff.api.v1.ObjectMeta
        .newBuilder().setName("first").setNamespace(namespace)).setSpec(PodSpec.newBuilder().addContainers(
            io.skiff.api.v1.Container.newBuilder().setName("c").setImage("i"))).build());
    Skiff.Result result = skiff.run("create", "-f", file);
    assertEquals(1, result.code());
    assertEquals("pod/second created\n", result.out());
    assertEquals("error: " + file + ": document 1 (Pod \"first\"): pods \"first\" already exists\n", result.err());
    assertEquals("pod/first created (dry run)\npod/second created (dry run)\n",
        skiff.run("create", "-f", file, "--dry-run").out());
  }

  @Test
  void aStaleResourceVersionInTheManifestIsAConflict() throws IOException {
    String file = file("web.yaml", DEPLOYMENT);
    assertEquals(0, skiff.run("apply", "-f", file).code());
    long version = deployment("web").getMetadata().getResourceVersion();
    SharedMaster.client(ResourceTypes.DEPLOYMENTS).update(deployment("web").toBuilder()
        .setSpec(deployment("web").getSpec().toBuilder().setReplicas(3)).build());
    file("web.yaml", DEPLOYMENT.replace("  name: web\n", "  name: web\n  resourceVersion: \"" + version + "\"\n")
        .replace("replicas: 2", "replicas: 5"));
    Skiff.Result result = skiff.run("apply", "-f", file);
    assertEquals(1, result.code(), result.toString());
    assertTrue(result.err().startsWith("error: " + file + ": document 1 (Deployment \"web\"): "), result.err());
    assertEquals(3, deployment("web").getSpec().getReplicas());
  }

  @Test
  void connectionFailuresNameTheEndpointsTried() throws IOException {
    String file = file("web.yaml", DEPLOYMENT);
    Skiff.Result result = skiff.run("apply", "-f", file, "-s", "127.0.0.1:1,127.0.0.1:2", "--request-timeout=5s");
    assertEquals(1, result.code());
    assertTrue(result.err().startsWith("error: cannot reach any master (tried 127.0.0.1:1, 127.0.0.1:2): "),
        result.err());
    assertEquals(1, result.err().lines().count(), "one line, no stack trace: " + result.err());
  }

}
