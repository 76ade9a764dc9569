package io.skiff.agent;

import com.google.inject.Guice;
import io.skiff.agent.node.MachineInfo;
import io.skiff.agent.node.NodeIdentity;
import io.skiff.agent.runtime.ContainerRuntime;
import io.skiff.agent.tls.NodeCertificates;
import java.io.IOException;
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
      ensureCertificate(config);
      runtime = new PodmanRuntimeFactory().open(config);
    } catch (IllegalStateException | IOException e) {
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

  /**
   * An agent started from command-line flags, for processes that embed one (the all-in-one
   * {@code skiff server}); the caller closes it. IllegalArgumentException names a bad flag,
   * IllegalStateException a runtime that does not answer or no node certificate and no join token,
   * IOException a failed join.
   */
  public static Agent launch(String... args) throws IOException {
    AgentConfig config = AgentFlags.parse(args, MachineInfo.read().hostname());
    if (config == null) {
      throw new IllegalArgumentException("--help is not an agent setting");
    }
    ensureCertificate(config);
    Agent agent = Guice.createInjector(new AgentModule(config, new PodmanRuntimeFactory().open(config)))
        .getInstance(Agent.class);
    agent.start();
    return agent;
  }

  /** The node's certificate, joining for one on the first start: before anything calls the masters. */
  private static void ensureCertificate(AgentConfig config) throws IOException {
    NodeCertificates.ensure(config, new NodeIdentity(config).internalIp(), MachineInfo.read().hostname());
  }
}
