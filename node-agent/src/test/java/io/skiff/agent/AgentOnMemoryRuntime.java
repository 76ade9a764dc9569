package io.skiff.agent;

import io.skiff.agent.runtime.InMemoryRuntime;
import io.skiff.api.v1.Pod;
import io.skiff.client.ResourceClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;

/** Tests of one agent, on a node of its own, over an in-memory engine, against the shared masters. */
@ExtendWith(SharedMasters.class)
abstract class AgentOnMemoryRuntime {
  protected final ResourceClient<Pod> pods = PodTesting.pods(SharedMasters.cluster().channel(0));
  protected InMemoryRuntime runtime;
  protected TestAgent agent;

  @BeforeEach
  void startAgent() throws Exception {
    runtime = new InMemoryRuntime();
    agent = TestAgent.start(SharedMasters.cluster(), TestAgent.uniqueNode(), runtime);
  }

  @AfterEach
  void stopAgent() throws Exception {
    agent.close();
    runtime.close();
  }
}
