package io.skiff.agent;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import io.skiff.agent.logs.LogServer;
import io.skiff.agent.node.MachineInfo;
import io.skiff.agent.node.NodeIdentity;
import io.skiff.agent.probes.NetworkProber;
import io.skiff.agent.probes.Prober;
import io.skiff.agent.runtime.ContainerRuntime;
import io.skiff.agent.threads.AgentThreads;
import io.skiff.agent.threads.DedicatedThreads;
import io.skiff.client.events.EventRecorder;
import java.time.Clock;

/**
 * Wiring of an agent process: its config, the container engine it drives, the clock, the machine
 * it runs on, threads of its own, a server of its own, probes over the network and an Event
 * recorder of its own. Every other part is a singleton with an injected constructor; starting them
 * is {@link Agent}'s job.
 */
public final class AgentModule extends AbstractModule {
  /** The component the agent's Events come from, as "kubelet" on Kubernetes; their host is the node's name. */
  public static final String EVENT_SOURCE = "skiff-agent";

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
    bind(AgentThreads.class).to(DedicatedThreads.class);
    bind(AgentServer.class).to(LogServer.class);
    bind(Prober.class).to(NetworkProber.class);
  }

  /** Read when the agent is built: the machine's capacity and identity do not change while it runs. */
  @Provides
  @Singleton
  MachineInfo machine() {
    return MachineInfo.read();
  }

  /** Its writer thread starts with the first Event; {@link Agent#close} ends it. */
  @Provides
  @Singleton
  EventRecorder events(MasterApi api, NodeIdentity node, Clock clock) {
    return new EventRecorder(api.events(), EVENT_SOURCE, node.name(), clock);
  }
}
