package io.skiff.cli.testing;

import com.google.protobuf.Timestamp;
import io.skiff.api.v1.Condition;
import io.skiff.api.v1.Container;
import io.skiff.api.v1.Deployment;
import io.skiff.api.v1.DeploymentSpec;
import io.skiff.api.v1.Event;
import io.skiff.api.v1.LabelSelector;
import io.skiff.api.v1.Node;
import io.skiff.api.v1.NodeStatus;
import io.skiff.api.v1.ObjectMeta;
import io.skiff.api.v1.ObjectReference;
import io.skiff.api.v1.OwnerReference;
import io.skiff.api.v1.Pod;
import io.skiff.api.v1.PodSpec;
import io.skiff.api.v1.PodTemplateSpec;
import io.skiff.api.v1.ReplicaSet;
import io.skiff.api.v1.ReplicaSetSpec;
import io.skiff.client.ResourceTypes;
import java.time.Instant;
import java.util.Map;

/** Objects written straight through the API, standing in for the controllers and agents that do not exist yet. */
public final class Fixtures {
  private Fixtures() {
  }

  public static Timestamp now() {
    return Timestamp.newBuilder().setSeconds(Instant.now().getEpochSecond()).build();
  }

  public static Pod pod(String namespace, String name, String node, String... containers) {
    PodSpec.Builder spec = PodSpec.newBuilder().setNodeName(node == null ? "" : node);
    for (String c : containers.length == 0 ? new String[] {"main"} : containers) {
      spec.addContainers(Container.newBuilder().setName(c).setImage("busybox:1"));
    }
    return SharedMaster.client(ResourceTypes.PODS).create(Pod.newBuilder()
        .setMetadata(ObjectMeta.newBuilder().setName(name).setNamespace(namespace).putLabels("app", name))
        .setSpec(spec).build());
  }

  public static Node node(String name, boolean ready) {
    Node node = SharedMaster.client(ResourceTypes.NODES).create(Node.newBuilder()
        .setMetadata(ObjectMeta.newBuilder().setName(name).putLabels("node-role.kubernetes.io/worker", ""))
        .build());
    return SharedMaster.client(ResourceTypes.NODES).updateStatus(node.toBuilder().setStatus(NodeStatus.newBuilder()
        .putCapacity("cpu", "2").putCapacity("memory", "4Gi")
        .addConditions(Condition.newBuilder().setType("Ready").setStatus(ready ? "True" : "False"))
        .setNodeInfo(io.skiff.api.v1.NodeSystemInfo.newBuilder().setKubeletVersion("skiff-0.1")
            .setOsImage("Debian GNU/Linux 12"))).build());
  }

  public static Event event(String namespace, String kind, String name, String reason, String message) {
    return SharedMaster.client(ResourceTypes.EVENTS).create(Event.newBuilder()
        .setMetadata(ObjectMeta.newBuilder().setGenerateName(name + ".").setNamespace(namespace))
        .setInvolvedObject(ObjectReference.newBuilder().setKind(kind).setName(name).setNamespace(namespace))
        .setReason(reason).setMessage(message).setType("Normal")
        .setSource(io.skiff.api.v1.EventSource.newBuilder().setComponent("default-scheduler"))
        .setFirstTimestamp(now()).setLastTimestamp(now()).build());
  }

  public static PodTemplateSpec template(String app, String image) {
    return PodTemplateSpec.newBuilder().setMetadata(ObjectMeta.newBuilder().putLabels("app", app))
        .setSpec(PodSpec.newBuilder().addContainers(Container.newBuilder().setName(app).setImage(image))).build();
  }

  public static Deployment deployment(String namespace, String name, int replicas, String image) {
    return SharedMaster.client(ResourceTypes.DEPLOYMENTS).create(Deployment.newBuilder()
        .setMetadata(ObjectMeta.newBuilder().setName(name).setNamespace(namespace))
        .setSpec(DeploymentSpec.newBuilder().setReplicas(replicas)
            .setSelector(LabelSelector.newBuilder().putMatchLabels("app", name))
            .setTemplate(template(name, image))).build());
  }

  /** A replica set as the Deployment controller makes them: owned, hashed, numbered. */
  public static ReplicaSet replicaSetOf(Deployment d, String hash, int revision, String image, int replicas) {
    PodTemplateSpec template = template(d.getMetadata().getName(), image);
    template = template.toBuilder().setMetadata(template.getMetadata().toBuilder()
        .putLabels("pod-template-hash", hash)).build();
    return SharedMaster.client(ResourceTypes.REPLICA_SETS).create(ReplicaSet.newBuilder()
        .setMetadata(ObjectMeta.newBuilder().setName(d.getMetadata().getName() + "-" + hash)
            .setNamespace(d.getMetadata().getNamespace())
            .putAllLabels(Map.of("app", d.getMetadata().getName(), "pod-template-hash", hash))
            .putAnnotations("deployment.kubernetes.io/revision", Integer.toString(revision))
            .addOwnerReferences(OwnerReference.newBuilder().setApiVersion("apps/v1").setKind("Deployment")
                .setName(d.getMetadata().getName()).setUid(d.getMetadata().getUid()).setController(true)))
        .setSpec(ReplicaSetSpec.newBuilder().setReplicas(replicas)
            .setSelector(LabelSelector.newBuilder().putMatchLabels("app", d.getMetadata().getName())
                .putMatchLabels("pod-template-hash", hash))
            .setTemplate(template)).build());
  }
}
