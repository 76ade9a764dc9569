package io.skiff.agent.pods;

import io.skiff.agent.runtime.ContainerConfig;
import io.skiff.agent.runtime.RuntimeLabels;
import io.skiff.agent.runtime.SandboxConfig;
import io.skiff.api.v1.Container;
import io.skiff.api.v1.ContainerPort;
import io.skiff.api.v1.EnvVar;
import io.skiff.api.v1.Pod;
import io.skiff.client.Quantity;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How a pod becomes engine objects: names (unique on the node, readable in `podman ps`), labels
 * that tie them to the pod, the sandbox's host ports, and each container's config with its limits.
 */
final class ContainerSpecs {
  private ContainerSpecs() {
  }

  static SandboxConfig sandbox(Pod pod) {
    List<SandboxConfig.PortMapping> ports = new ArrayList<>();
    for (Container container : pod.getSpec().getContainersList()) {
      for (ContainerPort port : container.getPortsList()) {
        if (port.getHostPort() > 0) {
          String protocol = port.getProtocol().isEmpty() ? "tcp" : port.getProtocol().toLowerCase(Locale.ROOT);
          ports.add(new SandboxConfig.PortMapping(port.getContainerPort(), port.getHostPort(), protocol,
              port.getHostIp()));
        }
      }
    }
    String hostname = pod.getSpec().getHostname().isEmpty() ? pod.getMetadata().getName() : pod.getSpec().getHostname();
    if (hostname.length() > 63) {
      hostname = hostname.substring(0, 63);
    }
    return new SandboxConfig(sandboxName(pod), podLabels(pod), hostname, ports);
  }

  static ContainerConfig container(Pod pod, Container container, int attempt) {
    Map<String, String> labels = new LinkedHashMap<>(podLabels(pod));
    labels.put(RuntimeLabels.CONTAINER_NAME, container.getName());
    labels.put(RuntimeLabels.ATTEMPT, String.valueOf(attempt));
    labels.put(RuntimeLabels.SPEC_IMAGE, container.getImage());
    Map<String, String> env = new LinkedHashMap<>();
    for (EnvVar var : container.getEnvList()) {
      env.put(var.getName(), var.getValue());
    }
    Map<String, String> limits = container.getResources().getLimitsMap();
    long memory = limits.containsKey("memory") ? Quantity.parse(limits.get("memory")).value() : 0;
    long cpuMillis = limits.containsKey("cpu") ? Quantity.parse(limits.get("cpu")).milliValue() : 0;
    return new ContainerConfig(containerName(pod, container.getName(), attempt), container.getImage(),
        container.getCommandList(), container.getArgsList(), env, container.getWorkingDir(), memory, cpuMillis, labels);
  }

  static Map<String, String> podLabels(Pod pod) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(RuntimeLabels.MANAGED, "true");
    labels.put(RuntimeLabels.POD_UID, pod.getMetadata().getUid());
    labels.put(RuntimeLabels.POD_NAME, pod.getMetadata().getName());
    labels.put(RuntimeLabels.POD_NAMESPACE, pod.getMetadata().getNamespace());
    return labels;
  }

  /** Like the kubelet's "k8s_POD_name_namespace_uid_0". */
  static String sandboxName(Pod pod) {
    return "skiff_" + pod.getMetadata().getName() + "_" + pod.getMetadata().getNamespace() + "_"
        + pod.getMetadata().getUid();
  }

  /** Like the kubelet's "k8s_container_pod_namespace_uid_attempt". */
  static String containerName(Pod pod, String container, int attempt) {
    return "skiff_" + container + "_" + pod.getMetadata().getName() + "_" + pod.getMetadata().getNamespace() + "_"
        + pod.getMetadata().getUid() + "_" + attempt;
  }
}
