package io.skiff.agent;

import com.google.inject.Guice;
import io.skiff.agent.node.MachineInfo;
import io.skiff.agent.runtime.ContainerRuntime;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The node agent process. See {@link AgentFlags#USAGE}. */
public final class AgentMain {
  private static final Logger log = LoggerFactory.getLogger(AgentMain.class);

  private AgentMain() {
  }

  public static void main(String[] args) throws Exception {
    AgentConfig config;
    try {
      config = AgentFlags.parse(args, MachineInfo.read().hostname());
    } catch (IllegalArgumentException e) {
      System.err.println("skiff-agent: " + e.getMessage());
      System.err.println(AgentFlags.USAGE);
      System.exit(2);
      return;
    }
    if (config == null) {
      System.out.println(AgentFlags.USAGE);
      return;
    }
    ContainerRuntime runtime;
    try {
      runtime = new PodmanRuntimeFactory().open(config);
    } catch (IllegalStateException e) {
      System.err.println("skiff-agent: " + e.getMessage());
      System.exit(1);
      return;
    }
    Agent agent = Guice.createInjector(new AgentModule(config, runtime)).getInstance(Agent.class);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        agent.close();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        stopped.countDown();
      }
    }, "shutdown"));
    agent.start();
    log.info("skiff-agent running; stop it with SIGTERM (its containers keep running)");
    stopped.await();
  }
}
