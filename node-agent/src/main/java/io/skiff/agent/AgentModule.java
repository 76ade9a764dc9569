package io.skiff.agent;

import com.google.inject.AbstractModule;
import io.skiff.agent.runtime.ContainerRuntime;
import java.time.Clock;

/**
 * Wiring of an agent: its config, the container engine it drives, the clock. Every other part is
 * a singleton with an injected constructor; starting them is {@link Agent}'s job.
 */
public final class AgentModule extends AbstractModule {
  private final AgentConfig config;
  private final ContainerRuntime runtime;

  public AgentModule(AgentConfig config, ContainerRuntime runtime) {
    this.config = config;
    this.runtime = runtime;
  }

  @Override
  protected void configure() {
    bind(AgentConfig.class).toInstance(config);
    bind(ContainerRuntime.class).toInstance(runtime);
    bind(Clock.class).toInstance(Clock.systemUTC());
  }
}
