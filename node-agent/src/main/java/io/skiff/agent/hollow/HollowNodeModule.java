package io.skiff.agent.hollow;

import com.google.inject.AbstractModule;
import io.skiff.agent.AgentConfig;
import io.skiff.agent.AgentServer;
import io.skiff.agent.MasterApi;
import io.skiff.agent.node.MachineInfo;
import io.skiff.agent.probes.Prober;
import io.skiff.agent.runtime.ContainerRuntime;
import io.skiff.agent.runtime.InMemoryRuntime;
import io.skiff.agent.threads.AgentThreads;
import io.skiff.client.events.EventRecorder;
import java.time.Clock;

/**
 * Wiring of one hollow node: the agent's parts as in a real agent process, but over an in-memory
 * engine and a made-up machine, with the channel, the threads, the log server and the Event writer
 * that all the hollow nodes of the JVM share, and probes that send nothing over the network.
 */
final class HollowNodeModule extends AbstractModule {
  private final AgentConfig config;
  private final InMemoryRuntime runtime;
  private final MachineInfo machine;
  private final SharedParts shared;

  HollowNodeModule(AgentConfig config, InMemoryRuntime runtime, MachineInfo machine, SharedParts shared) {
    this.config = config;
    this.runtime = runtime;
    this.machine = machine;
    this.shared = shared;
  }

  @Override
  protected void configure() {
    bind(AgentConfig.class).toInstance(config);
    bind(ContainerRuntime.class).toInstance(runtime);
    bind(Clock.class).toInstance(Clock.systemUTC());
    bind(MachineInfo.class).toInstance(machine);
    bind(MasterApi.class).toInstance(shared.api());
    bind(AgentThreads.class).toInstance(shared.threads());
    bind(EventRecorder.class).toInstance(shared.events().forHost(config.nodeName()));
    bind(AgentServer.class).toInstance(new SharedServer(shared.serverPort()));
    bind(Prober.class).to(HollowProber.class);
  }

  /** The server all hollow nodes share: started and stopped with them, not with each node. */
  private record SharedServer(int port) implements AgentServer {
    @Override
    public int start() {
      return port;
    }

    @Override
    public void close() {
    }
  }
}
