package io.skiff.agent.runtime;

import java.time.Instant;
import java.util.Map;

/**
 * Something that happened to a container the agent manages, as the engine reports it. Events
 * only hint that a container changed: the agent reacts by inspecting it (level-triggered), so a
 * late, repeated or missed event costs a little latency, never correctness.
 *
 * @param sandboxId the container's sandbox, empty when it has none
 * @param labels the container's labels, including {@link RuntimeLabels}, so a listener knows its
 *     pod without asking the engine
 * @param exitCode meaningful for {@link Type#EXITED}
 */
public record RuntimeEvent(
    Type type,
    String containerId,
    String containerName,
    String sandboxId,
    Map<String, String> labels,
    int exitCode,
    Instant time) {

  public enum Type {
    CREATED,
    STARTED,
    /** The container's main process exited: by itself, killed, or OOM-killed. */
    EXITED,
    /** The kernel killed a process of the container for exceeding its memory limit. */
    OOM,
    REMOVED
  }
}
