package io.skiff.controlplane.scheduler.policy;

import io.skiff.api.v1.Condition;
import io.skiff.api.v1.Container;
import io.skiff.api.v1.ContainerPort;
import io.skiff.api.v1.Node;
import io.skiff.api.v1.ObjectMeta;
import io.skiff.api.v1.OwnerReference;
import io.skiff.api.v1.Pod;
import io.skiff.api.v1.ResourceRequirements;
import io.skiff.api.v1.Taint;
import io.skiff.api.v1.Toleration;

/** Nodes and pods for scheduling tests, valid as the API would store them, built by what a test varies. */
public final class SchedulingFixtures {
  private SchedulingFixtures() {
  }

  /** A Ready node with 4 cpus, 8Gi of memory and room for 110 pods, as an agent registers one. */
  public static NodeBuilder node(String name) {
    return new NodeBuilder(name);
  }

  /** A pod in "default" with one container that requests nothing; its uid is its name. */
  public static PodBuilder pod(String name) {
    return new PodBuilder(name);
  }

  public static final class NodeBuilder {
    private final Node.Builder node = Node.newBuilder();

    private NodeBuilder(String name) {
      node.setMetadata(ObjectMeta.newBuilder().setName(name).putLabels("kubernetes.io/hostname", name));
      node.getStatusBuilder()
          .putAllocatable("cpu", "4").putAllocatable("memory", "8Gi").putAllocatable("pods", "110")
          .addConditions(Condition.newBuilder().setType("Ready").setStatus("True").setReason("KubeletReady"));
      node.getStatusBuilder().putAllCapacity(node.getStatus().getAllocatableMap());
    }

    public NodeBuilder allocatable(String resource, String quantity) {
      node.getStatusBuilder().putAllocatable(resource, quantity).putCapacity(resource, quantity);
      return this;
    }

    public NodeBuilder withoutAllocatable(String resource) {
      node.getStatusBuilder().removeAllocatable(resource).removeCapacity(resource);
      return this;
    }

    public NodeBuilder ready(String status) {
      node.getStatusBuilder().getConditionsBuilder(0).setStatus(status);
      return this;
    }

    public NodeBuilder unschedulable() {
      node.getSpecBuilder().setUnschedulable(true);
      return this;
    }

    public NodeBuilder taint(String key, String value, String effect) {
      node.getSpecBuilder().addTaints(Taint.newBuilder().setKey(key).setValue(value).setEffect(effect));
      return this;
    }

    public NodeBuilder label(String key, String value) {
      node.getMetadataBuilder().putLabels(key, value);
      return this;
    }

    public Node build() {
      return node.build();
    }

    public NodeInfo info() {
      return NodeInfo.of(build());
    }
  }

  public static final class PodBuilder {
    private final Pod.Builder pod = Pod.newBuilder();

    private PodBuilder(String name) {
      pod.setMetadata(ObjectMeta.newBuilder().setNamespace("default").setName(name).setUid(name));
      pod.getSpecBuilder().addContainers(Container.newBuilder().setName("main").setImage("busybox:1"));
    }

    /** The first container requests these (null: not requested); later calls add containers. */
    public PodBuilder requests(String cpu, String memory) {
      ResourceRequirements.Builder resources = ResourceRequirements.newBuilder();
      if (cpu != null) {
        resources.putRequests("cpu", cpu);
      }
      if (memory != null) {
        resources.putRequests("memory", memory);
      }
      if (!pod.getSpec().getContainers(0).hasResources()) {
        pod.getSpecBuilder().getContainersBuilder(0).setResources(resources);
        return this;
      }
      int n = pod.getSpec().getContainersCount();
      pod.getSpecBuilder().addContainers(Container.newBuilder().setName("c" + n).setImage("busybox:1")
          .setResources(resources));
      return this;
    }

    public PodBuilder hostPort(String protocol, int port) {
      pod.getSpecBuilder().getContainersBuilder(0).addPorts(ContainerPort.newBuilder()
          .setContainerPort(port).setHostPort(port).setProtocol(protocol));
      return this;
    }

    public PodBuilder nodeSelector(String key, String value) {
      pod.getSpecBuilder().putNodeSelector(key, value);
      return this;
    }

    public PodBuilder toleration(String key, String operator, String value, String effect) {
      pod.getSpecBuilder().addTolerations(Toleration.newBuilder().setKey(key).setOperator(operator).setValue(value)
          .setEffect(effect));
      return this;
    }

    public PodBuilder schedulerName(String name) {
      pod.getSpecBuilder().setSchedulerName(name);
      return this;
    }

    /** Controlled by a ReplicaSet with this uid. */
    public PodBuilder owner(String uid) {
      pod.getMetadataBuilder().addOwnerReferences(OwnerReference.newBuilder().setApiVersion("apps/v1")
          .setKind("ReplicaSet").setName("rs-" + uid).setUid(uid).setController(true));
      return this;
    }

    public Pod build() {
      return pod.build();
    }

    public PodInfo info() {
      return PodInfo.of(build());
    }
  }
}
