package io.skiff.controlplane.scheduler.policy;

import io.skiff.api.v1.Container;
import io.skiff.api.v1.ContainerPort;
import io.skiff.api.v1.Pod;
import io.skiff.api.v1.Toleration;
import io.skiff.client.Quantity;
import io.skiff.controlplane.controllers.ControllerContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What scheduling needs to know of a pod, read from it once (quantities parsed, ports gathered) so
 * that trying it on a thousand nodes parses nothing. Immutable.
 *
 * @param cpuMillis the sum of the containers' cpu requests, in millicores
 * @param memoryBytes the sum of the containers' memory requests, in bytes
 * @param scoredCpuMillis as cpuMillis, but a container that requests no cpu counts as {@link #DEFAULT_CPU_MILLIS}
 * @param scoredMemoryBytes as memoryBytes, a container with no memory request counting {@link #DEFAULT_MEMORY_BYTES}
 * @param ownerUid the uid of the controlling owner (its ReplicaSet), "" when it has none
 */
public record PodInfo(
    String uid,
    String namespace,
    String name,
    long cpuMillis,
    long memoryBytes,
    long scoredCpuMillis,
    long scoredMemoryBytes,
    List<HostPort> hostPorts,
    Map<String, String> nodeSelector,
    List<Toleration> tolerations,
    String ownerUid) {
  /**
   * What a container without requests counts as when nodes are scored (never when they are
   * filtered), as in Kubernetes: otherwise pods that request nothing would all pile onto the node
   * that looks emptiest.
   */
  public static final long DEFAULT_CPU_MILLIS = 100;
  public static final long DEFAULT_MEMORY_BYTES = 200L << 20;

  public PodInfo {
    hostPorts = List.copyOf(hostPorts);
    nodeSelector = Map.copyOf(nodeSelector);
    tolerations = List.copyOf(tolerations);
  }

  /** Reads a pod; its quantities were validated when it was written, so a bad one is a bug. */
  public static PodInfo of(Pod pod) {
    long cpu = 0;
    long memory = 0;
    long scoredCpu = 0;
    long scoredMemory = 0;
    List<HostPort> ports = new ArrayList<>();
    for (Container container : pod.getSpec().getContainersList()) {
      Map<String, String> requests = container.getResources().getRequestsMap();
      String cpuRequest = requests.get("cpu");
      String memoryRequest = requests.get("memory");
      long containerCpu = cpuRequest == null ? 0 : Quantity.parse(cpuRequest).milliValue();
      long containerMemory = memoryRequest == null ? 0 : Quantity.parse(memoryRequest).value();
      cpu += containerCpu;
      memory += containerMemory;
      scoredCpu += cpuRequest == null ? DEFAULT_CPU_MILLIS : containerCpu;
      scoredMemory += memoryRequest == null ? DEFAULT_MEMORY_BYTES : containerMemory;
      for (ContainerPort port : container.getPortsList()) {
        if (port.getHostPort() > 0) {
          String protocol = port.getProtocol().isEmpty() ? "TCP" : port.getProtocol();
          ports.add(new HostPort(protocol, port.getHostPort()));
        }
      }
    }
    List<String> owner = ControllerContext.controllerUid(pod.getMetadata());
    return new PodInfo(pod.getMetadata().getUid(), pod.getMetadata().getNamespace(), pod.getMetadata().getName(),
        cpu, memory, scoredCpu, scoredMemory, ports, pod.getSpec().getNodeSelectorMap(),
        pod.getSpec().getTolerationsList(), owner.isEmpty() ? "" : owner.get(0));
  }

  /** "namespace/name". */
  public String key() {
    return namespace + "/" + name;
  }
}
