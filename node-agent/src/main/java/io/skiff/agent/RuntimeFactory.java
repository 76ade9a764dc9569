package io.skiff.agent;

import io.skiff.agent.runtime.ContainerRuntime;

/** Opens the container engine an agent process drives. */
public interface RuntimeFactory {
  /** Throws IllegalStateException, saying why, when there is no engine to open. */
  ContainerRuntime open(AgentConfig config);
}
