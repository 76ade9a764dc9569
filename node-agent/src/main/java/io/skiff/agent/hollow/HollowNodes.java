package io.skiff.agent.hollow;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.skiff.agent.AgentConfig;
import io.skiff.agent.AgentModule;
import io.skiff.agent.MasterApi;
import io.skiff.agent.threads.SharedThreads;
import io.skiff.client.Credentials;
import io.skiff.client.MasterChannels;
import io.skiff.client.events.EventRecorder;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Simulated nodes in one JVM, as Kubernetes' Kubemark has them: each {@link HollowNode} runs the
 * agent's real control loop — registration, Ready heartbeats, Lease renewals, the pod informer, the
 * pod workers and status writer, probes — over an in-memory engine. What makes a thousand of them
 * cheap is what they share: one channel to the masters, a few thread pools, one server for their
 * pods' logs, and one writer of their Events (a bounded backlog: a burst beyond it is dropped, not
 * heaped on the masters). Thread-safe: nodes start and stop one at a time.
 */
public final class HollowNodes implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HollowNodes.class);
  /** Heartbeats and relists: each a short call to the masters. */
  private static final int TIMER_THREADS = 4;
  /** Pod syncs and status writes, apart from the timers so that a burst of pods never delays a lease. */
  private static final int WORKER_THREADS = 8;

  private final AgentConfig template;
  private final ManagedChannel channel;
  private final SharedThreads threads;
  private final Server server;
  private final EventRecorder events;
  private final SharedParts shared;
  /** By name; changed under this object's lock, read without it. */
  private final Map<String, HollowNode> nodes = new ConcurrentSkipListMap<>();
  private boolean closed;

  /**
   * Opens what the nodes share; none runs yet. {@code template} holds every node's agent settings
   * (its masters, timings, maxPods, nodeLabels; not its name); {@code port} is the log server's, 0
   * for any free one; {@code credentials} are the shared channel's (one client for every node, an
   * admin's certificate: its nodes are not each authenticated, unlike real agents').
   */
  public HollowNodes(AgentConfig template, int port, Credentials credentials) throws IOException {
    this.template = template;
    this.channel = MasterChannels.open(template.masters(), credentials);
    this.threads = new SharedThreads(TIMER_THREADS, WORKER_THREADS);
    this.server = NettyServerBuilder.forPort(port).addService(new HollowLogs(nodes.values())).build().start();
    MasterApi api = MasterApi.over(channel, template.requestTimeout());
    this.events = new EventRecorder(api.events(), AgentModule.EVENT_SOURCE, "hollow-nodes", Clock.systemUTC());
    this.shared = new SharedParts(api, threads, server.getPort(), events);
  }

  /** Starts {@code count} nodes named {@code prefix-0000}, {@code prefix-0001} ..., each with that capacity. */
  public List<HollowNode> start(String prefix, int count, int cpus, long memoryBytes) throws IOException {
    long begin = System.nanoTime();
    List<HollowNode> started = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      started.add(start(String.format("%s-%04d", prefix, i), cpus, memoryBytes));
    }
    log.info("{} hollow nodes started in {} ms ({}-0000 on), {} cpus and {} bytes of memory each", count,
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin), prefix, cpus, memoryBytes);
    return started;
  }

  /** Starts one node; registering it and the rest goes on in the background. */
  public synchronized HollowNode start(String name, int cpus, long memoryBytes) throws IOException {
    if (closed) {
      throw new IllegalStateException("the hollow nodes are closed");
    }
    if (nodes.containsKey(name)) {
      throw new IllegalArgumentException("hollow node " + name + " already runs");
    }
    HollowNode node = HollowNode.start(template.withNodeName(name), cpus, memoryBytes, shared);
    nodes.put(name, node);
    return node;
  }

  public List<HollowNode> nodes() {
    return List.copyOf(nodes.values());
  }

  /** How many nodes have registered with the masters. */
  public long registered() {
    return nodes.values().stream().filter(HollowNode::registered).count();
  }

  /** Where the nodes' shared log server listens: the port each node reports. */
  public int port() {
    return server.getPort();
  }

  /** Stops one node, as if its machine died: its heartbeats end, and its Node stays on the masters. */
  public synchronized void stop(String name) throws InterruptedException {
    HollowNode node = nodes.remove(name);
    if (node == null) {
      throw new IllegalArgumentException("no hollow node " + name);
    }
    node.close();
  }

  @Override
  public synchronized void close() throws InterruptedException {
    if (closed) {
      return;
    }
    closed = true;
    List<String> names = List.copyOf(nodes.keySet());
    for (String name : names) {
      stop(name);
    }
    log.info("{} hollow nodes stopped", names.size());
    server.shutdownNow();
    events.close();
    threads.close();
    channel.shutdownNow();
    server.awaitTermination(5, TimeUnit.SECONDS);
    channel.awaitTermination(5, TimeUnit.SECONDS);
  }
}
