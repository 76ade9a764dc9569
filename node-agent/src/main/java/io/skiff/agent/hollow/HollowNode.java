package io.skiff.agent.hollow;

import com.google.inject.Guice;
import com.google.inject.Injector;
import io.skiff.agent.Agent;
import io.skiff.agent.AgentConfig;
import io.skiff.agent.logs.LogService;
import io.skiff.agent.node.MachineInfo;
import io.skiff.agent.pods.PodCache;
import io.skiff.agent.runtime.InMemoryRuntime;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * One hollow node: a real agent over its own {@link InMemoryRuntime} — whose containers run until
 * stopped unless scripted otherwise, and whose images pull at once — on a made-up machine.
 * Stopping it stops its agent (its heartbeats end, as a dead node's would) and its engine.
 */
public final class HollowNode implements AutoCloseable {
  private final String name;
  private final InMemoryRuntime runtime;
  private final Agent agent;
  private final PodCache pods;
  private final LogService logs;

  private HollowNode(String name, InMemoryRuntime runtime, Injector injector) {
    this.name = name;
    this.runtime = runtime;
    this.agent = injector.getInstance(Agent.class);
    this.pods = injector.getInstance(PodCache.class);
    this.logs = injector.getInstance(LogService.class);
  }

  static HollowNode start(AgentConfig config, int cpus, long memoryBytes, SharedParts shared) throws IOException {
    InMemoryRuntime runtime = new InMemoryRuntime(shared.threads().scheduler("memory-runtime", 1));
    MachineInfo machine = machine(config.nodeName(), cpus, memoryBytes);
    HollowNode node = new HollowNode(config.nodeName(), runtime,
        Guice.createInjector(new HollowNodeModule(config, runtime, machine, shared)));
    node.agent.start();
    return node;
  }

  /** What a hollow node says of its machine: the capacity it was given, the rest plainly made up. */
  private static MachineInfo machine(String name, int cpus, long memoryBytes) {
    String machineId = UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)).toString()
        .replace("-", "");
    return new MachineInfo(cpus, memoryBytes, "hollow", "Skiff hollow node", "linux", "amd64", machineId,
        UUID.randomUUID().toString(), name);
  }

  public String name() {
    return name;
  }

  /** Its engine, for scripting how its containers behave. */
  public InMemoryRuntime runtime() {
    return runtime;
  }

  public boolean registered() {
    return agent.registered();
  }

  /** Whether the masters bound this pod to this node, as far as its pod informer knows. */
  boolean hasPod(String namespace, String name) {
    return pods.find(namespace, name).isPresent();
  }

  LogService logs() {
    return logs;
  }

  @Override
  public void close() throws InterruptedException {
    agent.close();
    runtime.close();
  }
}
