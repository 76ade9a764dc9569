package io.skiff.agent;

import io.skiff.agent.runtime.ContainerRuntime;

/**
 * The agent process's engine: Podman, over its API socket ({@code --podman-socket}). The Podman
 * implementation of {@link ContainerRuntime} is built apart and joins this module later; until
 * then this factory refuses, so that an agent never runs pods on something that is no engine (the
 * in-memory runtime serves tests and hollow nodes only).
 */
public final class PodmanRuntimeFactory implements RuntimeFactory {
  @Override
  public ContainerRuntime open(AgentConfig config) {
    throw new IllegalStateException("this build of the node agent has no Podman runtime yet, so it cannot run "
        + "containers (Podman socket " + config.podmanSocket() + "); build it with the Podman implementation");
  }
}
