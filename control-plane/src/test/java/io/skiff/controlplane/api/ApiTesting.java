package io.skiff.controlplane.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.skiff.api.v1.Container;
import io.skiff.api.v1.Deployment;
import io.skiff.api.v1.DeploymentSpec;
import io.skiff.api.v1.DeploymentsGrpc;
import io.skiff.api.v1.Event;
import io.skiff.api.v1.EventsGrpc;
import io.skiff.api.v1.GetRequest;
import io.skiff.api.v1.LabelSelector;
import io.skiff.api.v1.LeasesGrpc;
import io.skiff.api.v1.Namespace;
import io.skiff.api.v1.NamespacesGrpc;
import io.skiff.api.v1.NodesGrpc;
import io.skiff.api.v1.ObjectMeta;
import io.skiff.api.v1.ObjectReference;
import io.skiff.api.v1.Pod;
import io.skiff.api.v1.PodSpec;
import io.skiff.api.v1.PodTemplateSpec;
import io.skiff.api.v1.PodsGrpc;
import io.skiff.api.v1.ReplicaSet;
import io.skiff.api.v1.ReplicaSetSpec;
import io.skiff.api.v1.ReplicaSetsGrpc;
import io.skiff.controlplane.master.Master;
import io.skiff.proto.etcd.RangeRequest;
import io.skiff.proto.etcd.RangeResponse;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.function.Executable;

/**
 * What the API tests share: stubs with a deadline, small valid objects to vary,
 * unique names, the assertion for a refused call, and probes of the raw store
 * (to check a resource_version against it, or that nothing was written).
 */
final class ApiTesting {
  private static final AtomicInteger SEQUENCE = new AtomicInteger();
  private static final long DEADLINE_SECONDS = 20;

  private ApiTesting() {
  }

  /** A name no other test uses: {@code prefix-<n>}. */
  static String unique(String prefix) {
    return prefix + "-" + SEQUENCE.incrementAndGet();
  }

  // ---- stubs (a fresh deadline per call) ----

  static PodsGrpc.PodsBlockingStub pods(Channel channel) {
    return PodsGrpc.newBlockingStub(channel).withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS);
  }

  static NamespacesGrpc.NamespacesBlockingStub namespaces(Channel channel) {
    return NamespacesGrpc.newBlockingStub(channel).withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS);
  }

  static NodesGrpc.NodesBlockingStub nodes(Channel channel) {
    return NodesGrpc.newBlockingStub(channel).withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS);
  }

  static ReplicaSetsGrpc.ReplicaSetsBlockingStub replicaSets(Channel channel) {
    return ReplicaSetsGrpc.newBlockingStub(channel).withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS);
  }

  static DeploymentsGrpc.DeploymentsBlockingStub deployments(Channel channel) {
    return DeploymentsGrpc.newBlockingStub(channel).withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS);
  }

  static EventsGrpc.EventsBlockingStub events(Channel channel) {
    return EventsGrpc.newBlockingStub(channel).withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS);
  }

  static LeasesGrpc.LeasesBlockingStub leases(Channel channel) {
    return LeasesGrpc.newBlockingStub(channel).withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS);
  }

  static GetRequest get(String namespace, String name) {
    return GetRequest.newBuilder().setNamespace(namespace).setName(name).build();
  }

  // ---- valid objects ----

  static ObjectMeta.Builder meta(String namespace, String name) {
    return ObjectMeta.newBuilder().setNamespace(namespace).setName(name);
  }

  static Container.Builder container(String name) {
    return Container.newBuilder().setName(name).setImage("busybox:1.36");
  }

  static PodSpec.Builder podSpec() {
    return PodSpec.newBuilder().addContainers(container("web"));
  }

  /** A valid pod with one container, "web", not bound to a node. */
  static Pod.Builder pod(String namespace, String name) {
    return Pod.newBuilder().setMetadata(meta(namespace, name)).setSpec(podSpec());
  }

  /** A template whose labels are {@code app=<app>}. */
  static PodTemplateSpec.Builder template(String app) {
    return PodTemplateSpec.newBuilder().setMetadata(ObjectMeta.newBuilder().putLabels("app", app)).setSpec(podSpec());
  }

  /** A valid ReplicaSet selecting {@code app=<name>}, as its template is labelled. */
  static ReplicaSet.Builder replicaSet(String namespace, String name) {
    return ReplicaSet.newBuilder().setMetadata(meta(namespace, name)).setSpec(ReplicaSetSpec.newBuilder()
        .setReplicas(2).setSelector(LabelSelector.newBuilder().putMatchLabels("app", name))
        .setTemplate(template(name)));
  }

  /** A valid Deployment selecting {@code app=<name>}, as its template is labelled. */
  static Deployment.Builder deployment(String namespace, String name) {
    return Deployment.newBuilder().setMetadata(meta(namespace, name)).setSpec(DeploymentSpec.newBuilder()
        .setReplicas(2).setSelector(LabelSelector.newBuilder().putMatchLabels("app", name))
        .setTemplate(template(name)));
  }

  /** A valid Event about pod {@code about} in the same namespace. */
  static Event.Builder event(String namespace, String name, String about) {
    return Event.newBuilder().setMetadata(meta(namespace, name))
        .setInvolvedObject(ObjectReference.newBuilder().setKind("Pod").setNamespace(namespace).setName(about))
        .setReason("Scheduled").setMessage("assigned to a node");
  }

  /** Creates a namespace with a unique name and returns the name. */
  static String createNamespace(Channel channel, String prefix) {
    String name = unique(prefix);
    namespaces(channel).create(Namespace.newBuilder().setMetadata(ObjectMeta.newBuilder().setName(name)).build());
    return name;
  }

  // ---- assertions ----

  /** Asserts that {@code call} fails with {@code code} and a message holding every one of {@code fragments}. */
  static StatusRuntimeException assertRefused(Status.Code code, Executable call, String... fragments) {
    return assertRefused("", code, call, fragments);
  }

  /** As {@link #assertRefused(Status.Code, Executable, String...)}, failures prefixed with {@code what}. */
  static StatusRuntimeException assertRefused(String what, Status.Code code, Executable call, String... fragments) {
    String prefix = what.isEmpty() ? "" : what + ": ";
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call, prefix + "no error");
    assertEquals(code, e.getStatus().getCode(), () -> prefix + "status of: " + e.getStatus());
    String message = String.valueOf(e.getStatus().getDescription());
    for (String fragment : fragments) {
      assertTrue(message.contains(fragment), () -> prefix + "message \"" + message + "\" lacks \"" + fragment + "\"");
    }
    return e;
  }

  // ---- the raw store ----

  /** The store's current revision, read through {@code master}'s store peer. */
  static long storeRevision(Master master) {
    return master.peer().store().range(RangeRequest.newBuilder().setKey(ByteString.copyFromUtf8("/"))
        .setCountOnly(true).build()).join().getHeader().getRevision();
  }

  /** The mod_revision of {@code key} in the store, or 0 when there is no such key. */
  static long modRevision(Master master, String key) {
    RangeResponse response = master.peer().store()
        .range(RangeRequest.newBuilder().setKey(ByteString.copyFromUtf8(key)).build()).join();
    return response.getKvsCount() == 0 ? 0 : response.getKvs(0).getModRevision();
  }

  static String podKey(String namespace, String name) {
    return "/registry/pods/" + namespace + "/" + name;
  }
}
