package io.skiff.agent.runtime;

import java.util.List;
import java.util.Map;

/**
 * A pod's sandbox.
 *
 * @param name the engine's name for it (unique on the node)
 * @param labels including {@link RuntimeLabels}
 * @param hostname the hostname its containers see
 * @param portMappings host ports published to container ports (a pod's ports share one network namespace)
 */
public record SandboxConfig(String name, Map<String, String> labels, String hostname, List<PortMapping> portMappings) {
  /** @param protocol tcp, udp or sctp */
  public record PortMapping(int containerPort, int hostPort, String protocol, String hostIp) {
  }
}
