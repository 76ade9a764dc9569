package io.skiff.agent;

import com.google.inject.Guice;
import io.skiff.agent.runtime.InMemoryRuntime;
import io.skiff.client.Endpoints;
import io.skiff.controlplane.testing.MasterCluster;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real agent for tests, wired by its own Guice module, driving an {@link InMemoryRuntime}, with
 * timings shortened: back-off 200 ms doubling to 1.6 s, lease every 200 ms, node status every
 * second, resync every second. Closing it stops the agent (not its containers).
 */
public final class TestAgent implements AutoCloseable {
  private static final AtomicInteger SEQUENCE = new AtomicInteger();

  public final String node;
  public final InMemoryRuntime runtime;
  public final Agent agent;

  private TestAgent(String node, InMemoryRuntime runtime, Agent agent) {
    this.node = node;
    this.runtime = runtime;
    this.agent = agent;
  }

  /** A node name no other test uses. */
  public static String uniqueNode() {
    return "node-" + SEQUENCE.incrementAndGet();
  }

  public static AgentConfig config(MasterCluster masters, String node) {
    StringBuilder endpoints = new StringBuilder();
    for (int i = 0; i < masters.size(); i++) {
      endpoints.append(i == 0 ? "" : ",").append("127.0.0.1:").append(masters.apiPort(i));
    }
    return AgentConfig.defaults(Endpoints.parse(endpoints.toString()), node)
        .withPort(0)
        .withSecurity(AgentSecurity.plaintext())  // MasterCluster's masters are insecure
        .withBackoff(Duration.ofMillis(200), Duration.ofMillis(1600))
        .withIntervals(Duration.ofMillis(200), Duration.ofSeconds(1), Duration.ofSeconds(1));
  }

  public static TestAgent start(MasterCluster masters, String node, InMemoryRuntime runtime) throws Exception {
    return start(config(masters, node), runtime);
  }

  public static TestAgent start(AgentConfig config, InMemoryRuntime runtime) throws Exception {
    Agent agent = Guice.createInjector(new AgentModule(config, runtime)).getInstance(Agent.class);
    agent.start();
    return new TestAgent(config.nodeName(), runtime, agent);
  }

  /** Stops the agent, as a crash would: the runtime and its containers stay. */
  @Override
  public void close() throws InterruptedException {
    agent.close();
  }
}
