package io.skiff.controlplane.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.DescriptorValidationException;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.Status;
import io.skiff.api.v1.Pod;
import io.skiff.api.v1.PodsGrpc;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real master process driven by an external client that knows nothing of Skiff but what server
 * reflection tells it: {@code buf curl} (Buf CLI 1.75.0, installed by scripts/install-deps.sh). Fails,
 * rather than skips, when buf is missing.
 */
@Tag("process")
class BufCurlProcessTest {

  private static final Duration WATCH_TIMEOUT = Duration.ofSeconds(30);

  @TempDir
  static Path scratch;
  static MasterProcess master;
  static BufCurl buf;

  @BeforeAll
  static void start() {
    BufCurl.locate();  // before a master starts: a missing buf fails fast
    master = MasterProcess.start(BufCurlProcessTest.class.getSimpleName());
    buf = new BufCurl(master.apiTarget(), master.adminFiles(), scratch);
  }

  @AfterAll
  static void stop() {
    if (master != null) {
      master.close();
    }
  }

  @Test
  void listsTheSkiffServicesReflectionAndHealth() {
    BufCurl.Result services = ok(buf.list("--list-services"));
    assertEquals(Set.of(
            "skiff.api.v1.Namespaces", "skiff.api.v1.Nodes", "skiff.api.v1.Pods", "skiff.api.v1.ReplicaSets",
            "skiff.api.v1.Deployments", "skiff.api.v1.Events", "skiff.api.v1.Leases", "skiff.api.v1.RoleBindings",
            "skiff.api.v1.ClusterRoleBindings", "skiff.api.v1.Cluster", "skiff.api.v1.Auth",
            "grpc.reflection.v1.ServerReflection", "grpc.reflection.v1alpha.ServerReflection", "grpc.health.v1.Health"),
        lines(services.stdout()), services.describe());

    BufCurl.Result methods = ok(buf.list("--list-methods"));
    Set<String> podMethods = lines(methods.stdout()).stream()
        .filter(m -> m.startsWith("skiff.api.v1.Pods/")).collect(Collectors.toCollection(TreeSet::new));
    assertEquals(new TreeSet<>(List.of("skiff.api.v1.Pods/Create", "skiff.api.v1.Pods/Get", "skiff.api.v1.Pods/List",
        "skiff.api.v1.Pods/Update", "skiff.api.v1.Pods/UpdateStatus", "skiff.api.v1.Pods/Delete",
        "skiff.api.v1.Pods/Watch", "skiff.api.v1.Pods/Logs")), podMethods, methods.describe());
  }

  /**
   * buf curl has no describe command, so this asks the reflection service itself, through buf curl
   * (a bidi stream): the file that defines skiff.api.v1.Pods, with its dependencies, is the schema
   * this build compiled in.
   */
  @Test
  void describesThePodsServiceAndPodThroughReflection() throws Exception {
    BufCurl.Result reflected = ok(buf.call("grpc.reflection.v1.ServerReflection/ServerReflectionInfo",
        "{\"fileContainingSymbol\": \"skiff.api.v1.Pods\"}"));
    Map<String, FileDescriptor> files = files(reflected.json()
        .getAsJsonObject("fileDescriptorResponse").getAsJsonArray("fileDescriptorProto"));

    ServiceDescriptor pods = files.get("skiff/api/v1/services.proto").findServiceByName("Pods");
    assertEquals(PodsGrpc.getServiceDescriptor().getName(), pods.getFullName());
    MethodDescriptor watch = pods.findMethodByName("Watch");
    assertTrue(watch.isServerStreaming() && !watch.isClientStreaming(), "Watch streams events to the client");
    assertEquals("skiff.api.v1.WatchRequest", watch.getInputType().getFullName());
    assertEquals("skiff.api.v1.PodWatchEvent", watch.getOutputType().getFullName());
    assertEquals("skiff.api.v1.Pod", pods.findMethodByName("Create").getInputType().getFullName());

    Descriptor pod = files.get("skiff/api/v1/core.proto").findMessageTypeByName("Pod");
    assertEquals(Pod.getDescriptor().toProto(), pod.toProto(), "Pod as reflected equals Pod as compiled");
    assertEquals(List.of("api_version", "kind", "metadata", "spec", "status"),
        pod.getFields().stream().map(f -> f.getName()).toList());
    assertEquals("skiff.api.v1.ObjectMeta", pod.findFieldByName("metadata").getMessageType().getFullName());
  }

  /** buf checks request JSON against the reflected schema before sending anything. */
  @Test
  void aFieldThatPodDoesNotHaveIsRefusedByTheClient() {
    BufCurl.Result unknown = buf.call("skiff.api.v1.Pods/Create",
        "{\"metadata\": {\"name\": \"never-sent\"}, \"colour\": \"blue\"}");
    assertNotEquals(0, unknown.exitCode(), unknown.describe());
    assertTrue(unknown.stderr().contains("unknown field \"colour\""), unknown.describe());
  }

  @Test
  void createsAPodFromJsonAndGetsItBack() {
    JsonObject created = ok(buf.call("skiff.api.v1.Pods/Create", pod("buf-web", "web"))).json();
    assertEquals("Pod", created.get("kind").getAsString());
    assertEquals("v1", created.get("apiVersion").getAsString());
    JsonObject meta = created.getAsJsonObject("metadata");
    assertEquals("buf-web", meta.get("name").getAsString());
    assertEquals("default", meta.get("namespace").getAsString());
    assertEquals("web", meta.getAsJsonObject("labels").get("app").getAsString());
    for (String field : List.of("uid", "resourceVersion", "creationTimestamp")) {
      assertTrue(meta.has(field) && !meta.get(field).getAsString().isEmpty(), field + " is set: " + created);
    }
    assertTrue(Long.parseLong(meta.get("resourceVersion").getAsString()) > 0, created.toString());
    assertEquals("Pending", created.getAsJsonObject("status").get("phase").getAsString());

    JsonObject got = ok(buf.call("skiff.api.v1.Pods/Get", "{\"namespace\": \"default\", \"name\": \"buf-web\"}")).json();
    assertEquals(created, got);
  }

  @Test
  void aWatchStreamsTheAddedEventOfANewPod() throws Exception {
    ok(buf.call("skiff.api.v1.Pods/Create", pod("buf-watched-before", "watch")));
    try (BufCurl.StreamingCall watch = buf.stream("skiff.api.v1.Pods/Watch",
        "{\"namespace\": \"default\", \"sendInitialEvents\": true}")) {
      // the initial events end with a BOOKMARK: from then on the watch follows new writes
      watch.await("the BOOKMARK after the initial events", e -> type(e).equals("BOOKMARK"), WATCH_TIMEOUT);
      assertTrue(watch.seen().stream().anyMatch(e -> type(e).equals("ADDED") && name(e).equals("buf-watched-before")),
          "an initial ADDED event for the existing pod: " + watch.seen());

      JsonObject created = ok(buf.call("skiff.api.v1.Pods/Create", pod("buf-watched-after", "watch"))).json();
      JsonObject added = watch.await("ADDED for buf-watched-after",
          e -> type(e).equals("ADDED") && name(e).equals("buf-watched-after"), WATCH_TIMEOUT);
      assertEquals(created, added.getAsJsonObject("object"), "the event carries the object as created");
    }
  }

  @Test
  void anInvalidNameIsRefusedWithAnErrorNamingMetadataName() {
    BufCurl.Result refused = buf.call("skiff.api.v1.Pods/Create", pod("Not_A_DNS_Name", "web"));
    assertEquals(Status.Code.INVALID_ARGUMENT.value() << 3, refused.exitCode(),
        "buf curl exits with the gRPC code shifted left by 3\n" + refused.describe());
    String output = refused.stdout() + refused.stderr();
    assertTrue(output.contains("metadata.name"), refused.describe());
    assertTrue(output.contains("Not_A_DNS_Name"), refused.describe());
    BufCurl.Result absent = buf.call("skiff.api.v1.Pods/Get", "{\"namespace\": \"default\", \"name\": \"Not_A_DNS_Name\"}");
    assertEquals(Status.Code.NOT_FOUND.value() << 3, absent.exitCode(), "nothing was stored\n" + absent.describe());
  }

  private static String pod(String name, String app) {
    return """
        {"metadata": {"name": "%s", "namespace": "default", "labels": {"app": "%s"}},
         "spec": {"containers": [{"name": "web", "image": "nginx:1.25", "ports": [{"containerPort": 80}],
                                  "resources": {"requests": {"cpu": "100m", "memory": "64Mi"}}}]}}
        """.formatted(name, app);
  }

  private static BufCurl.Result ok(BufCurl.Result result) {
    assertEquals(0, result.exitCode(), result.describe());
    assertFalse(result.stdout().isBlank(), result.describe());
    return result;
  }

  private static Set<String> lines(String text) {
    return Arrays.stream(text.split("\n")).map(String::strip).filter(s -> !s.isEmpty()).collect(Collectors.toSet());
  }

  private static String type(JsonObject event) {
    return event.get("type").getAsString();
  }

  private static String name(JsonObject event) {
    JsonObject meta = event.getAsJsonObject("object").getAsJsonObject("metadata");
    return meta.has("name") ? meta.get("name").getAsString() : "";
  }

  /** The reflected files (base64 FileDescriptorProtos, dependencies included), linked to each other. */
  private static Map<String, FileDescriptor> files(Iterable<JsonElement> encoded)
      throws InvalidProtocolBufferException, DescriptorValidationException {
    Map<String, FileDescriptorProto> protos = new HashMap<>();
    for (JsonElement file : encoded) {
      FileDescriptorProto proto = FileDescriptorProto.parseFrom(Base64.getDecoder().decode(file.getAsString()));
      protos.put(proto.getName(), proto);
    }
    Map<String, FileDescriptor> built = new HashMap<>();
    for (String name : protos.keySet()) {
      build(name, protos, built);
    }
    return built;
  }

  private static FileDescriptor build(String name, Map<String, FileDescriptorProto> protos,
      Map<String, FileDescriptor> built) throws DescriptorValidationException {
    FileDescriptor done = built.get(name);
    if (done != null) {
      return done;
    }
    FileDescriptorProto proto = protos.get(name);
    assertTrue(proto != null, "reflection sent the dependency " + name + " (got " + protos.keySet() + ")");
    FileDescriptor[] dependencies = new FileDescriptor[proto.getDependencyCount()];
    for (int i = 0; i < dependencies.length; i++) {
      dependencies[i] = build(proto.getDependency(i), protos, built);
    }
    FileDescriptor file = FileDescriptor.buildFrom(proto, dependencies);
    built.put(name, file);
    return file;
  }
}
