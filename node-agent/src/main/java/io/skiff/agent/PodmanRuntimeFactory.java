package io.skiff.agent;

import io.skiff.agent.podman.PodmanRuntime;
import io.skiff.agent.runtime.ContainerRuntime;
import java.time.Duration;

/** The agent process's engine: Podman, over its API socket ({@code --podman-socket}). */
public final class PodmanRuntimeFactory implements RuntimeFactory {
  /** Longest a single call to Podman may take (an image pull or a graceful stop waits in its own calls). */
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

  @Override
  public ContainerRuntime open(AgentConfig config) {
    return PodmanRuntime.connect(config.podmanSocket(), REQUEST_TIMEOUT, config.nodeName());
  }
}
