package io.skiff.agent.node;

import com.google.inject.Inject;
import com.google.inject.Singleton;
import com.google.protobuf.Timestamp;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.skiff.agent.AgentConfig;
import io.skiff.agent.MasterApi;
import io.skiff.agent.runtime.ContainerRuntime;
import io.skiff.agent.threads.AgentThreads;
import io.skiff.api.v1.Condition;
import io.skiff.api.v1.DaemonEndpoint;
import io.skiff.api.v1.Node;
import io.skiff.api.v1.NodeAddress;
import io.skiff.api.v1.NodeDaemonEndpoints;
import io.skiff.api.v1.NodeStatus;
import io.skiff.api.v1.NodeSystemInfo;
import io.skiff.api.v1.ObjectMeta;
import io.skiff.api.v1.ObjectReference;
import io.skiff.client.ResourceTypes;
import io.skiff.client.events.EventRecorder;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers the node (creating its Node object, or taking over the one a previous run left) and
 * keeps its status current: the machine's capacity, addresses, node info, the agent's port, and a
 * Ready condition whose heartbeat moves every status interval. Until the masters answer it retries
 * every second or so; it runs on its own timer, each tick scheduling the next. Registering is told
 * in Events about the node, as the kubelet tells its start: Starting, and NodeReady when the node
 * was not Ready before. After a silence ({@link #postStatusNow}) it posts at once: the node lifecycle
 * controller may have marked the node Unknown meanwhile, and only the agent sets it Ready again.
 */
@Singleton
public final class NodeRegistrar implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(NodeRegistrar.class);
  private static final Duration RETRY = Duration.ofSeconds(1);

  private final AgentConfig config;
  private final MasterApi api;
  private final ContainerRuntime runtime;
  private final NodeIdentity identity;
  private final Clock clock;
  private final MachineInfo machine;
  private final EventRecorder events;
  private final ScheduledExecutorService timer;
  /** Set by the ticks only. */
  private int agentPort;
  private volatile boolean registered;
  private Timestamp readySince;

  @Inject
  public NodeRegistrar(AgentConfig config, MasterApi api, ContainerRuntime runtime, NodeIdentity identity, Clock clock,
      MachineInfo machine, AgentThreads threads, EventRecorder events) {
    this.config = config;
    this.api = api;
    this.runtime = runtime;
    this.identity = identity;
    this.clock = clock;
    this.machine = machine;
    this.events = events;
    this.timer = threads.scheduler("node-status", 1);
  }

  /** Starts registering; {@code port} is where the agent's gRPC service listens. */
  public void start(int port) {
    timer.execute(() -> {
      agentPort = port;
      tick();
    });
  }

  public boolean registered() {
    return registered;
  }

  private void tick() {
    Duration next = config.nodeStatusInterval();
    try {
      if (!registered) {
        register();
      } else {
        api.nodes().updateStatus(node());
      }
    } catch (StatusRuntimeException e) {
      if (timer.isShutdown()) {
        return;  // interrupted by close()
      }
      log.warn("cannot write node {} to the masters ({}); retrying", identity.name(), e.getStatus());
      next = RETRY;
    } catch (RuntimeException e) {
      log.error("node status of {} failed", identity.name(), e);
      next = RETRY;
    }
    if (!timer.isShutdown()) {
      timer.schedule(this::tick, next.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  /**
   * Posts the node's status once more, now, besides the ticks: for when the agent was out of touch
   * long enough for the masters to have stopped believing it. Before registration the registering
   * ticks post it anyway; if this post fails, the next tick's or the next silence's will do.
   */
  public void postStatusNow() {
    try {
      timer.execute(() -> {
        if (!registered) {
          return;
        }
        try {
          api.nodes().updateStatus(node());
        } catch (StatusRuntimeException e) {
          log.warn("cannot write node {} to the masters ({}); the next status tick will", identity.name(),
              e.getStatus());
        }
      });
    } catch (RejectedExecutionException closed) {
      // the agent is stopping
    }
  }

  private void register() {
    Node existing;
    try {
      existing = api.nodes().get("", identity.name());
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() != Status.Code.NOT_FOUND) {
        throw e;
      }
      existing = create();
    }
    Condition ready = existing.getStatus().getConditionsList().stream()
        .filter(c -> c.getType().equals("Ready")).findFirst().orElse(null);
    boolean wasReady = ready != null && ready.getStatus().equals("True");
    readySince = wasReady ? ready.getLastTransitionTime() : now();
    api.nodes().updateStatus(node());
    registered = true;
    ObjectReference self = EventRecorder.reference(ResourceTypes.NODES.apiVersion(), ResourceTypes.NODES.kind(),
        existing.getMetadata());
    events.normal(self, "Starting", "Starting skiff-agent " + AgentVersion.get() + ".");
    if (!wasReady) {
      events.normal(self, "NodeReady", "Node " + identity.name() + " status is now: NodeReady");
    }
    log.info("node {} registered: {} cpus, {} memory, InternalIP {}, agent port {}, runtime {}", identity.name(),
        machine.cpus(), memory(machine.memoryBytes()), identity.internalIp(), agentPort, runtime.version());
  }

  private Node create() {
    try {
      return api.nodes().create(Node.newBuilder().setMetadata(ObjectMeta.newBuilder().setName(identity.name())
          .putAllLabels(config.nodeLabels())
          .putAllLabels(Map.of("kubernetes.io/hostname", identity.name(), "kubernetes.io/os", machine.operatingSystem(),
              "kubernetes.io/arch", machine.architecture()))).build());
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.ALREADY_EXISTS) {
        return api.nodes().get("", identity.name());
      }
      throw e;
    }
  }

  /** The node as this agent sees it now: only its name and status (UpdateStatus keeps the rest). */
  Node node() {
    Timestamp now = now();
    Map<String, String> capacity = Map.of("cpu", String.valueOf(machine.cpus()), "memory",
        memory(machine.memoryBytes()), "pods", String.valueOf(config.maxPods()));
    NodeStatus status = NodeStatus.newBuilder()
        .putAllCapacity(capacity)
        .putAllAllocatable(capacity)
        .addConditions(Condition.newBuilder().setType("Ready").setStatus("True").setReason("KubeletReady")
            .setMessage("skiff agent is posting ready status").setLastHeartbeatTime(now)
            .setLastTransitionTime(readySince))
        .addAddresses(NodeAddress.newBuilder().setType("InternalIP").setAddress(identity.internalIp()))
        .addAddresses(NodeAddress.newBuilder().setType("Hostname").setAddress(machine.hostname()))
        .setNodeInfo(NodeSystemInfo.newBuilder()
            .setMachineId(machine.machineId())
            .setBootId(machine.bootId())
            .setKernelVersion(machine.kernelVersion())
            .setOsImage(machine.osImage())
            .setOperatingSystem(machine.operatingSystem())
            .setArchitecture(machine.architecture())
            .setContainerRuntimeVersion(runtimeVersion(runtime.version()))
            .setKubeletVersion(AgentVersion.get()))
        .setDaemonEndpoints(NodeDaemonEndpoints.newBuilder()
            .setKubeletEndpoint(DaemonEndpoint.newBuilder().setPort(agentPort)))
        .build();
    return Node.newBuilder().setMetadata(ObjectMeta.newBuilder().setName(identity.name())).setStatus(status).build();
  }

  /** "podman 4.3.1" as Kubernetes writes runtime versions: "podman://4.3.1". */
  static String runtimeVersion(String version) {
    int space = version.indexOf(' ');
    return space < 0 ? version : version.substring(0, space) + "://" + version.substring(space + 1);
  }

  /** Memory as a quantity in whole mebibytes ("3977Mi"), rounded down. */
  static String memory(long bytes) {
    return (bytes >> 20) + "Mi";
  }

  private Timestamp now() {
    return Timestamp.newBuilder().setSeconds(clock.instant().getEpochSecond()).build();
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
