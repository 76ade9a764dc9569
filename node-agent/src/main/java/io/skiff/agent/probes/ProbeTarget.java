package io.skiff.agent.probes;

import java.util.Map;

/**
 * Where a container's probes go: exec into the container; HTTP and TCP to the pod's IP, which this
 * host reaches directly (Podman's bridge network, rootful, checked on these machines), or, when the
 * pod has no IP, to localhost through the host port published for the probed port.
 *
 * @param hostPorts published host port by container port
 */
public record ProbeTarget(String containerId, String podIp, Map<Integer, Integer> hostPorts) {
}
