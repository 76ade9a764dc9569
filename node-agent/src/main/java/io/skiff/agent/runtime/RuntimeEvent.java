package io.skiff.agent.runtime;

import java.util.Map;

/**
 * A change of one container's state, as the engine reports it (Podman's events stream: create,
 * start, died/oom, remove).
 *
 * @param labels the container's labels, so a listener knows its pod without asking the engine
 */
public record RuntimeEvent(Type type, String containerId, Map<String, String> labels) {
  /** EXITED covers every way a container stops: its own exit, a kill, the OOM killer. */
  public enum Type { CREATED, STARTED, EXITED, REMOVED }
}
