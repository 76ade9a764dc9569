package io.skiff.controlplane.api;

import static io.skiff.controlplane.api.ApiTesting.assertRefused;
import static io.skiff.controlplane.api.ApiTesting.deployment;
import static io.skiff.controlplane.api.ApiTesting.deployments;
import static io.skiff.controlplane.api.ApiTesting.event;
import static io.skiff.controlplane.api.ApiTesting.events;
import static io.skiff.controlplane.api.ApiTesting.get;
import static io.skiff.controlplane.api.ApiTesting.leases;
import static io.skiff.controlplane.api.ApiTesting.namespaces;
import static io.skiff.controlplane.api.ApiTesting.nodes;
import static io.skiff.controlplane.api.ApiTesting.pod;
import static io.skiff.controlplane.api.ApiTesting.pods;
import static io.skiff.controlplane.api.ApiTesting.replicaSet;
import static io.skiff.controlplane.api.ApiTesting.replicaSets;
import static io.skiff.controlplane.api.ApiTesting.storeRevision;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.grpc.Channel;
import io.grpc.Status;
import io.skiff.api.v1.ContainerPort;
import io.skiff.api.v1.Deployment;
import io.skiff.api.v1.EnvVar;
import io.skiff.api.v1.ExecAction;
import io.skiff.api.v1.LabelSelector;
import io.skiff.api.v1.Lease;
import io.skiff.api.v1.LeaseSpec;
import io.skiff.api.v1.Namespace;
import io.skiff.api.v1.Node;
import io.skiff.api.v1.NodeSpec;
import io.skiff.api.v1.ObjectMeta;
import io.skiff.api.v1.ObjectReference;
import io.skiff.api.v1.OwnerReference;
import io.skiff.api.v1.Pod;
import io.skiff.api.v1.PodStatus;
import io.skiff.api.v1.Probe;
import io.skiff.api.v1.RollingUpdateDeployment;
import io.skiff.api.v1.TCPSocketAction;
import io.skiff.api.v1.Taint;
import io.skiff.api.v1.Toleration;
import io.skiff.controlplane.testing.MasterCluster;
import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Malformed objects of every kind, each refused with the right code and a
 * message naming the field, and none of them leaving anything in the store.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BadInputTest {
  /** Over the 1 MiB object limit, under gRPC's message limit. */
  private static final String TOO_BIG = "x".repeat(1024 * 1024 + 1);

  @TempDir
  static Path dataDir;
  static MasterCluster cluster;
  /** A valid pod the update cases start from. */
  static Pod existing;
  static long revisionBeforeTheTable;

  @BeforeAll
  static void start() throws Exception {
    cluster = MasterCluster.start(1, dataDir);
    existing = pods(cluster.channel(0)).create(pod("default", "existing").build());
    revisionBeforeTheTable = storeRevision(cluster.master(0));
  }

  @AfterAll
  static void stop() throws Exception {
    cluster.close();
  }

  /** One malformed request: what it is, the call, the code and what the message must name. */
  record Case(String what, Consumer<Channel> call, Status.Code code, String... fragments) {
    @Override
    public String toString() {
      return what;
    }
  }

  static Stream<Case> table() {
    return Stream.of(
        // names
        invalid("a pod name with uppercase and an underscore", createPod(p -> p.getMetadataBuilder().setName("Web_1")),
            "Pod \"Web_1\" is invalid", "metadata.name: Invalid value: \"Web_1\""),
        invalid("a pod name too long", createPod(p -> p.getMetadataBuilder().setName("a".repeat(254))),
            "metadata.name: Invalid value: \"" + "a".repeat(254) + "\"", "no more than 253 characters"),
        invalid("a pod without a name", createPod(p -> p.getMetadataBuilder().clearName()),
            "metadata.name: Required value"),
        invalid("a namespace name with a dot", c -> namespaces(c).create(Namespace.newBuilder()
            .setMetadata(ObjectMeta.newBuilder().setName("team.a")).build()),
            "metadata.name: Invalid value: \"team.a\""),
        invalid("a node name starting with a dash", c -> nodes(c).create(Node.newBuilder()
            .setMetadata(ObjectMeta.newBuilder().setName("-node")).build()), "metadata.name: Invalid value: \"-node\""),
        invalid("a pod in a namespace with an uppercase name",
            createPod(p -> p.getMetadataBuilder().setNamespace("Team")),
            "metadata.namespace: Invalid value: \"Team\""),
        // containers
        invalid("an empty container image", createPod(p -> p.getSpecBuilder().getContainersBuilder(0).setImage("")),
            "spec.containers[0].image: Required value"),
        invalid("two containers of one name",
            createPod(p -> p.getSpecBuilder().addContainers(ApiTesting.container("web"))),
            "spec.containers[1].name: Duplicate value: \"web\""),
        invalid("no containers", createPod(p -> p.getSpecBuilder().clearContainers()),
            "spec.containers: Required value"),
        invalid("a bad quantity", createPod(p -> p.getSpecBuilder().getContainersBuilder(0).getResourcesBuilder()
            .putLimits("cpu", "12xyz")), "spec.containers[0].resources.limits[cpu]: Invalid value: \"12xyz\""),
        invalid("a negative quantity", createPod(p -> p.getSpecBuilder().getContainersBuilder(0).getResourcesBuilder()
            .putRequests("memory", "-1Gi")),
            "spec.containers[0].resources.requests[memory]: Invalid value: \"-1Gi\"",
            "must be greater than or equal to 0"),
        invalid("an unknown restartPolicy", createPod(p -> p.getSpecBuilder().setRestartPolicy("Sometimes")),
            "spec.restartPolicy: Unsupported value: \"Sometimes\""),
        invalid("an unknown imagePullPolicy", createPod(p -> p.getSpecBuilder().getContainersBuilder(0)
            .setImagePullPolicy("Sometimes")), "spec.containers[0].imagePullPolicy: Unsupported value: \"Sometimes\""),
        invalid("an unknown port protocol", createPod(p -> p.getSpecBuilder().getContainersBuilder(0)
            .addPorts(ContainerPort.newBuilder().setContainerPort(80).setProtocol("HTTP"))),
            "spec.containers[0].ports[0].protocol: Unsupported value: \"HTTP\""),
        invalid("port 0", createPod(p -> p.getSpecBuilder().getContainersBuilder(0)
            .addPorts(ContainerPort.newBuilder().setContainerPort(0))),
            "spec.containers[0].ports[0].containerPort: Invalid value: 0"),
        invalid("port 70000", createPod(p -> p.getSpecBuilder().getContainersBuilder(0)
            .addPorts(ContainerPort.newBuilder().setContainerPort(70000))),
            "spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive"),
        invalid("a probe with two handlers", createPod(p -> p.getSpecBuilder().getContainersBuilder(0)
            .setLivenessProbe(Probe.newBuilder().setExec(ExecAction.newBuilder().addCommand("true"))
                .setTcpSocket(TCPSocketAction.newBuilder().setPort(80)))),
            "spec.containers[0].livenessProbe: Forbidden: may not specify more than 1 handler type"),
        invalid("a probe without a handler", createPod(p -> p.getSpecBuilder().getContainersBuilder(0)
            .setReadinessProbe(Probe.newBuilder().setPeriodSeconds(5))),
            "spec.containers[0].readinessProbe: Required value"),
        invalid("an environment variable name starting with a digit", createPod(p -> p.getSpecBuilder()
            .getContainersBuilder(0).addEnv(EnvVar.newBuilder().setName("1BAD").setValue("x"))),
            "spec.containers[0].env[0].name: Invalid value: \"1BAD\""),
        invalid("a toleration Exists with a value", createPod(p -> p.getSpecBuilder().addTolerations(Toleration
            .newBuilder().setKey("dedicated").setOperator("Exists").setValue("gpu"))),
            "spec.tolerations[0].operator", "value must be empty when `operator` is 'Exists'"),
        // metadata
        invalid("a label key with a space", createPod(p -> p.getMetadataBuilder().putLabels("bad key", "x")),
            "metadata.labels: Invalid value: \"bad key\""),
        invalid("a label value with a space", createPod(p -> p.getMetadataBuilder().putLabels("app", "no way")),
            "metadata.labels[app]: Invalid value: \"no way\""),
        invalid("an owner reference without a uid", createPod(p -> p.getMetadataBuilder().addOwnerReferences(
            OwnerReference.newBuilder().setApiVersion("apps/v1").setKind("ReplicaSet").setName("web"))),
            "metadata.ownerReferences[0].uid: Required value"),
        invalid("annotations over 256 KiB", createPod(p -> p.getMetadataBuilder().putAnnotations("big", TOO_BIG)),
            "metadata.annotations: Too long"),
        invalid("a resourceVersion on create", createPod(p -> p.getMetadataBuilder().setResourceVersion(5)),
            "metadata.resourceVersion: Invalid value: 5: must not be set on create"),
        invalid("a pod sent as apps/v1", createPod(p -> p.setApiVersion("apps/v1")),
            "apiVersion: Invalid value: \"apps/v1\""),
        invalid("a pod sent as a Node", createPod(p -> p.setKind("Node")), "kind: Invalid value: \"Node\""),
        // workloads
        invalid("a ReplicaSet whose selector does not match its template", c -> replicaSets(c).create(
            replicaSet("default", "web").setSpec(replicaSet("default", "web").getSpec().toBuilder()
                .setSelector(LabelSelector.newBuilder().putMatchLabels("app", "other"))).build()),
            "spec.template.metadata.labels", "`selector` does not match template `labels`"),
        invalid("a ReplicaSet without a selector", c -> replicaSets(c).create(replicaSet("default", "web")
            .setSpec(replicaSet("default", "web").getSpec().toBuilder().clearSelector()).build()),
            "spec.selector: Required value"),
        invalid("a ReplicaSet with -1 replicas", c -> replicaSets(c).create(replicaSet("default", "web")
            .setSpec(replicaSet("default", "web").getSpec().toBuilder().setReplicas(-1)).build()),
            "spec.replicas: Invalid value: -1"),
        invalid("a Deployment with maxSurge 0 and maxUnavailable 0", createDeployment(d -> d.getSpecBuilder()
            .getStrategyBuilder().setType("RollingUpdate").setRollingUpdate(RollingUpdateDeployment.newBuilder()
                .setMaxSurge("0").setMaxUnavailable("0"))),
            "spec.strategy.rollingUpdate.maxUnavailable", "may not be 0 when `maxSurge` is 0"),
        invalid("a Deployment strategy \"Sometimes\"", createDeployment(d -> d.getSpecBuilder().getStrategyBuilder()
            .setType("Sometimes")), "spec.strategy.type: Unsupported value: \"Sometimes\""),
        invalid("a Deployment whose pods never restart", createDeployment(d -> d.getSpecBuilder().getTemplateBuilder()
            .getSpecBuilder().setRestartPolicy("Never")),
            "spec.template.spec.restartPolicy: Unsupported value: \"Never\""),
        // other kinds
        invalid("an Event without an involvedObject", c -> events(c).create(event("default", "web.1", "web")
            .clearInvolvedObject().build()),
            "involvedObject.kind: Required value", "involvedObject.name: Required value"),
        invalid("an Event about an object in another namespace", c -> events(c).create(event("default", "web.1", "web")
            .setInvolvedObject(ObjectReference.newBuilder().setKind("Pod").setName("web").setNamespace("other"))
            .build()),
            "involvedObject.namespace: Invalid value: \"other\""),
        invalid("a node taint with an unknown effect", c -> nodes(c).create(Node.newBuilder()
            .setMetadata(ObjectMeta.newBuilder().setName("node-a")).setSpec(NodeSpec.newBuilder()
                .addTaints(Taint.newBuilder().setKey("dedicated").setEffect("Sometimes"))).build()),
            "spec.taints[0].effect: Unsupported value: \"Sometimes\""),
        invalid("a lease of 0 seconds", c -> leases(c).create(Lease.newBuilder()
            .setMetadata(ApiTesting.meta("default", "leader"))
            .setSpec(LeaseSpec.newBuilder().setLeaseDurationSeconds(0)).build()),
            "spec.leaseDurationSeconds: Invalid value: 0"),
        // updates of a valid pod
        invalid("an Update emptying an image", c -> pods(c).update(existing.toBuilder().setSpec(existing.getSpec()
            .toBuilder().setContainers(0, existing.getSpec().getContainers(0).toBuilder().setImage(""))).build()),
            "Pod \"existing\" is invalid", "spec.containers[0].image: Required value"),
        invalid("an UpdateStatus with an unknown phase", c -> pods(c).updateStatus(existing.toBuilder()
            .setStatus(PodStatus.newBuilder().setPhase("Sleeping")).build()),
            "status.phase: Unsupported value: \"Sleeping\""),
        invalid("an Update adding a container", c -> pods(c).update(existing.toBuilder().setSpec(existing.getSpec()
            .toBuilder().addContainers(ApiTesting.container("sidecar"))).build()),
            "spec.containers: Forbidden: containers may not be added or removed"),
        invalid("an UpdateStatus making a namespace Terminating without deleting it", c -> {
          Namespace namespace = namespaces(c).get(get("", "default"));
          namespaces(c).updateStatus(namespace.toBuilder().setStatus(namespace.getStatus().toBuilder()
              .setPhase("Terminating")).build());
        }, "Namespace \"default\" is invalid", "status.phase: Invalid value: \"Terminating\""),
        // size
        new Case("an Event over 1 MiB",
            c -> events(c).create(event("default", "big", "web").setMessage(TOO_BIG).build()),
            Status.Code.RESOURCE_EXHAUSTED, "Event \"big\" is ", "over the limit of 1048576"),
        new Case("a pod over 1 MiB", createPod(p -> p.getSpecBuilder().getContainersBuilder(0).addArgs(TOO_BIG)),
            Status.Code.RESOURCE_EXHAUSTED, "Pod \"bad\" is ", "over the limit of 1048576"),
        new Case("an Update growing a pod over 1 MiB", c -> pods(c).update(existing.toBuilder().setSpec(existing
            .getSpec().toBuilder().setContainers(0, existing.getSpec().getContainers(0).toBuilder()
                .setImage("busybox:" + TOO_BIG))).build()),
            Status.Code.RESOURCE_EXHAUSTED, "Pod \"existing\" is ", "over the limit of 1048576"));
  }

  @Order(1)
  @ParameterizedTest(name = "{0}")
  @MethodSource("table")
  void isRefusedNamingTheFieldAndWritesNothing(Case bad) {
    long before = storeRevision(cluster.master(0));

    assertRefused(bad.code(), () -> bad.call().accept(cluster.channel(0)), bad.fragments());

    assertEquals(before, storeRevision(cluster.master(0)), "the store's revision");
  }

  @Order(2)
  @Test
  void theWholeTableLeftTheStoreAsItWas() {
    assertEquals(revisionBeforeTheTable, storeRevision(cluster.master(0)));
    assertEquals(existing, pods(cluster.channel(0)).get(get("default", "existing")));
  }

  private static Case invalid(String what, Consumer<Channel> call, String... fragments) {
    return new Case(what, call, Status.Code.INVALID_ARGUMENT, fragments);
  }

  /** Creates pod "bad" in "default": a valid pod as {@code change} leaves it. */
  private static Consumer<Channel> createPod(Consumer<Pod.Builder> change) {
    return c -> {
      Pod.Builder pod = pod("default", "bad");
      change.accept(pod);
      pods(c).create(pod.build());
    };
  }

  private static Consumer<Channel> createDeployment(Consumer<Deployment.Builder> change) {
    return c -> {
      Deployment.Builder deployment = deployment("default", "bad");
      change.accept(deployment);
      deployments(c).create(deployment.build());
    };
  }
}
