package io.skiff.agent.runtime;

import java.util.List;
import java.util.Map;

/**
 * One container of a pod.
 *
 * @param name the engine's name (unique on the node)
 * @param command replaces the image's entrypoint when not empty
 * @param args replaces the image's command when not empty
 * @param memoryLimitBytes 0 for none
 * @param cpuMillis CPU limit in thousandths of a core, 0 for none
 * @param labels including {@link RuntimeLabels}
 */
public record ContainerConfig(
    String name,
    String image,
    List<String> command,
    List<String> args,
    Map<String, String> env,
    String workingDir,
    long memoryLimitBytes,
    long cpuMillis,
    Map<String, String> labels) {
}
