package io.skiff.cli.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skiff.api.v1.Deployment;
import io.skiff.api.v1.Pod;
import io.skiff.cli.CliException;
import io.skiff.client.ResourceTypes;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Manifests to messages: every document of YAML or JSON, strictly — unknown
 * fields and wrong types are errors naming file, document and field path.
 */
class ManifestReaderTest {
  private static final InputStream NO_STDIN = new ByteArrayInputStream(new byte[0]);

  @TempDir
  Path dir;

  private List<Manifest> read(String name, String text) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, text);
    return ManifestReader.read(List.of(file.toString()), false, NO_STDIN);
  }

  /** The problems, each without the directory part of the file name. */
  private List<String> problems(String name, String text) throws IOException {
    ManifestException e = assertThrows(ManifestException.class, () -> read(name, text));
    return e.problems().stream().map(p -> p.replace(dir.toString() + "/", "")).toList();
  }

  @Test
  void aMisspeltFieldIsNamedWithItsPathAndTheNearestRealField() throws IOException {
    List<String> problems = problems("web.yaml", """
        apiVersion: v1
        kind: Namespace
        metadata:
          name: shop
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
        spec:
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec:
              containers:
              - name: web
                imagee: nginx:1.25
        """);
    assertEquals(List.of("web.yaml: document 2 (Deployment \"web\"): spec.template.spec.containers[0].imagee: "
        + "unknown field; did you mean \"image\"?"), problems);
  }

  @Test
  void typeErrorsNameTheValueAndEveryProblemIsReported() throws IOException {
    List<String> problems = problems("d.yaml", """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
          labels: {version: 1.0}
        spec:
          replicas: three
          paused: maybe
          selector: [app]
          template:
            spec:
              containers: {name: web}
        """);
    assertEquals(List.of(
        "d.yaml: document 1 (Deployment \"web\"): metadata.labels[version]: expected a string, got 1.0 "
            + "(quote it to make it a string)",
        "d.yaml: document 1 (Deployment \"web\"): spec.replicas: expected an integer, got \"three\"",
        "d.yaml: document 1 (Deployment \"web\"): spec.paused: expected true or false, got \"maybe\"",
        "d.yaml: document 1 (Deployment \"web\"): spec.selector: expected an object, got a list",
        "d.yaml: document 1 (Deployment \"web\"): spec.template.spec.containers: expected a list, got an object"),
        problems);
  }

  @Test
  void aKubernetesFieldSkiffLacksIsSaidToBeOne() throws IOException {
    List<String> problems = problems("p.yaml", """
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          volumes: []
          containers: [{name: c, image: busybox}]
        """);
    assertEquals(List.of("p.yaml: document 1 (Pod \"p\"): spec.volumes: unknown field (Kubernetes has it; "
        + "Skiff does not support it)"), problems);
  }

  @Test
  void kindAndApiVersionAreCheckedAgainstTheKindsTheApiServes() throws IOException {
    List<String> problems = problems("k.yaml", """
        apiVersion: v1
        kind: Service
        metadata: {name: s}
        ---
        apiVersion: v1
        kind: Deployment
        metadata: {name: d}
        ---
        metadata: {name: x}
        ---
        - just a list
        """);
    assertEquals(4, problems.size(), problems.toString());
    assertTrue(problems.get(0).startsWith("k.yaml: document 1 (Service \"s\"): kind: \"Service\" is not a kind Skiff "
        + "serves (one of Namespace, Node, Pod,"), problems.get(0));
    assertEquals("k.yaml: document 2 (Deployment \"d\"): apiVersion: \"v1\" has no kind Deployment; use apps/v1",
        problems.get(1));
    assertTrue(problems.get(2).startsWith("k.yaml: document 3: kind: required"), problems.get(2));
    assertEquals("k.yaml: document 4: expected an object with apiVersion and kind, got a list", problems.get(3));
  }

  @Test
  void badYamlNamesTheDocumentLineAndColumn() throws IOException {
    List<String> problems = problems("bad.yaml", """
        apiVersion: v1
        kind: Namespace
        metadata: {name: a}
        ---
        apiVersion: v1
        kind: Namespace
        metadata:
          name: b
            labels: x
        """);
    assertEquals(List.of("bad.yaml: document 2: line 9, column 11: invalid YAML: mapping values are not allowed "
        + "here"), problems);
    List<String> duplicate = problems("dup.yaml", "apiVersion: v1\nkind: Namespace\nkind: Namespace\n");
    assertEquals(1, duplicate.size(), duplicate.toString());
    assertTrue(duplicate.get(0).startsWith("dup.yaml: document 1: line 3, column 1: invalid YAML: found duplicate key "
        + "kind"), duplicate.toString());
  }

  @Test
  void numbersAreReadWhereKubernetesTakesIntOrStringOrAQuantity() throws IOException {
    Deployment d = (Deployment) read("d.yaml", """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web, resourceVersion: "42"}
        spec:
          strategy:
            rollingUpdate: {maxSurge: 1, maxUnavailable: 25%}
          template:
            spec:
              containers:
              - name: web
                image: nginx
                resources:
                  limits: {cpu: 1, memory: 128Mi}
                  requests: {cpu: 0.50}
        """).get(0).object();
    assertEquals("1", d.getSpec().getStrategy().getRollingUpdate().getMaxSurge());
    assertEquals("25%", d.getSpec().getStrategy().getRollingUpdate().getMaxUnavailable());
    assertEquals("1", d.getSpec().getTemplate().getSpec().getContainers(0).getResources().getLimitsOrThrow("cpu"));
    assertEquals("0.5", d.getSpec().getTemplate().getSpec().getContainers(0).getResources().getRequestsOrThrow("cpu"));
    assertEquals(42, d.getMetadata().getResourceVersion());
  }

  @Test
  void kubernetesSpellingsOfInitialismsAndProtoJsonNamesBothRead() throws IOException {
    Pod pod = (Pod) read("p.json", """
        {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
         "spec": {"containers": [{"name": "c", "image": "i", "ports": [{"containerPort": 80, "hostIP": "10.0.0.1"}]}]},
         "status": {"podIp": "10.1.0.5", "hostIP": "10.0.0.1"}}
        """).get(0).object();
    assertEquals("10.0.0.1", pod.getSpec().getContainers(0).getPorts(0).getHostIp());
    assertEquals("10.1.0.5", pod.getStatus().getPodIp());
    assertEquals("hostIP", FieldNames.name(io.skiff.api.v1.PodStatus.getDescriptor().findFieldByName("host_ip")));
    assertEquals("podCIDR", FieldNames.name(io.skiff.api.v1.NodeSpec.getDescriptor().findFieldByName("pod_cidr")));
  }

  @Test
  void listsEmptyDocumentsStdinAndDirectories() throws IOException {
    String list = """
        apiVersion: v1
        kind: List
        items:
        - {apiVersion: v1, kind: Namespace, metadata: {name: a}}
        - {apiVersion: v1, kind: Namespace, metadata: {name: b}}
        ---
        ---
        apiVersion: v1
        kind: Namespace
        metadata: {name: c}
        """;
    List<Manifest> read = ManifestReader.read(List.of("-"), false,
        new ByteArrayInputStream(list.getBytes(StandardCharsets.UTF_8)));
    assertEquals(List.of("a", "b", "c"), read.stream().map(Manifest::name).toList());
    assertEquals("STDIN: document 1, item 2 (Namespace \"b\")", read.get(1).label());
    assertEquals("STDIN: document 3 (Namespace \"c\")", read.get(2).label());

    Files.createDirectories(dir.resolve("sub"));
    Files.writeString(dir.resolve("b.yaml"), "{apiVersion: v1, kind: Namespace, metadata: {name: b}}");
    Files.writeString(dir.resolve("a.json"), "{\"apiVersion\": \"v1\", \"kind\": \"Namespace\", \"metadata\": {\"name\": \"a\"}}");
    Files.writeString(dir.resolve("notes.txt"), "not a manifest");
    Files.writeString(dir.resolve("sub/c.yml"), "{apiVersion: v1, kind: Namespace, metadata: {name: c}}");
    assertEquals(List.of("a", "b"), ManifestReader.read(List.of(dir.toString()), false, NO_STDIN).stream()
        .map(Manifest::name).toList());
    assertEquals(List.of("a", "b", "c"), ManifestReader.read(List.of(dir.toString()), true, NO_STDIN).stream()
        .map(Manifest::name).toList());
    assertThrows(CliException.class, () -> ManifestReader.read(List.of(dir.resolve("none.yaml").toString()), false,
        NO_STDIN));
  }

  @Test
  void theExamplesDecodeAsTheKindsTheyAre() {
    Path examples = Path.of("..", "examples");
    List<Manifest> manifests = ManifestReader.read(List.of(examples.toString()), false, NO_STDIN);
    assertEquals(List.of("Namespace", "ReplicaSet", "Deployment", "Pod", "Deployment", "Deployment"),
        manifests.stream().map(m -> m.type().kind()).toList());
    assertTrue(manifests.stream().allMatch(m -> m.type() != ResourceTypes.LEASES));
  }
}
