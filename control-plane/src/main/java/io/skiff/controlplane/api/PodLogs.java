package io.skiff.controlplane.api;

import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.ServerCallHandler;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.skiff.api.v1.Container;
import io.skiff.api.v1.LogChunk;
import io.skiff.api.v1.Node;
import io.skiff.api.v1.NodeAddress;
import io.skiff.api.v1.Pod;
import io.skiff.api.v1.PodLogsRequest;
import io.skiff.controlplane.auth.Verb;
import io.skiff.controlplane.registry.ApiException;
import io.skiff.controlplane.registry.Registry;
import io.skiff.proto.agent.AgentGrpc;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * skiff.api.v1.Pods/Logs: finds the pod, its node, and that node's agent (the node's InternalIP and
 * daemonEndpoints.kubeletEndpoint.port, as the agent registered them), and relays the agent's
 * skiff.agent.v1.Agent/Logs stream, so that clients only ever talk to masters. The relay reads
 * from the agent only as fast as the client reads (flow control both ways), and a client that
 * goes away cancels the agent's stream. Refusals say why: NOT_FOUND for a missing pod or container,
 * FAILED_PRECONDITION for a pod not yet on a node (or on one with no registered agent) or a container
 * left unnamed among several,
 * UNAVAILABLE when the agent cannot be reached. The caller needs verb "logs" on the pod; the agent is
 * reached over TLS with the master's certificate (unless --insecure).
 */
final class PodLogs implements AutoCloseable {
  /** The kubelet's port, for a node that registered none. */
  static final int DEFAULT_AGENT_PORT = 10250;

  private final Registry<Pod> pods;
  private final Registry<Node> nodes;
  private final CallAuthorization<Pod> access;
  private final PeerChannels channels;
  private final Map<String, ManagedChannel> agents = new ConcurrentHashMap<>();

  PodLogs(Registry<Pod> pods, Registry<Node> nodes, CallAuthorization<Pod> access, PeerChannels channels) {
    this.pods = pods;
    this.nodes = nodes;
    this.access = access;
    this.channels = channels;
  }

  ServerCallHandler<PodLogsRequest, LogChunk> handler() {
    return ServerCalls.asyncServerStreamingCall(this::logs);
  }

  void logs(PodLogsRequest request, StreamObserver<LogChunk> observer) {
    ServerCallStreamObserver<LogChunk> out = (ServerCallStreamObserver<LogChunk>) observer;
    try {
      access.check(Verb.LOGS, request.getNamespace(), request.getName(), null);
      Pod pod = pods.get(request.getNamespace(), request.getName());
      String where = "pod " + pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
      String nodeName = pod.getSpec().getNodeName();
      if (nodeName.isEmpty()) {
        throw new ApiException(Status.Code.FAILED_PRECONDITION, where + " is not scheduled to a node yet, so it has no logs");
      }
      String container = container(pod, request.getContainer(), where);
      Node node = nodes.read("", nodeName).map(s -> s.object()).orElseThrow(() -> new ApiException(
          Status.Code.FAILED_PRECONDITION, "node " + nodeName + " of " + where + " is not registered: no agent to ask for logs"));
      String address = address(node);
      if (address.isEmpty()) {
        throw new ApiException(Status.Code.FAILED_PRECONDITION, "node " + nodeName + " of " + where + " has no address");
      }
      int port = node.getStatus().getDaemonEndpoints().getKubeletEndpoint().getPort();
      relay(address, port == 0 ? DEFAULT_AGENT_PORT : port, nodeName, request.toBuilder()
          .setNamespace(pod.getMetadata().getNamespace()).setContainer(container).build(), out);
    } catch (ApiException e) {
      out.onError(e.toStatus());
    }
  }

  /** The container the request means: the one named, or the pod's only one. */
  private static String container(Pod pod, String named, String where) {
    List<String> names = pod.getSpec().getContainersList().stream().map(Container::getName).toList();
    if (named.isEmpty()) {
      if (names.size() != 1) {
        throw new ApiException(Status.Code.FAILED_PRECONDITION, "a container name must be specified for " + where
            + ", choose one of: " + names);
      }
      return names.get(0);
    }
    if (!names.contains(named)) {
      throw new ApiException(Status.Code.NOT_FOUND, "container " + named + " is not valid for " + where
          + ", which has " + names);
    }
    return named;
  }

  /** InternalIP, else Hostname, else nothing. */
  private static String address(Node node) {
    for (String type : List.of("InternalIP", "Hostname")) {
      for (NodeAddress address : node.getStatus().getAddressesList()) {
        if (address.getType().equals(type) && !address.getAddress().isEmpty()) {
          return address.getAddress();
        }
      }
    }
    return "";
  }

  private void relay(String address, int port, String nodeName, PodLogsRequest request,
      ServerCallStreamObserver<LogChunk> out) {
    ManagedChannel channel = agents.computeIfAbsent(address + ":" + port,
        key -> channels.open(address, port));
    ClientCall<PodLogsRequest, LogChunk> call = channel.newCall(AgentGrpc.getLogsMethod(), CallOptions.DEFAULT);
    AtomicBoolean stalled = new AtomicBoolean();
    out.setOnCancelHandler(() -> call.cancel("the client went away", null));
    out.setOnReadyHandler(() -> {
      if (stalled.compareAndSet(true, false)) {
        call.request(1);
      }
    });
    call.start(new ClientCall.Listener<>() {
      @Override
      public void onMessage(LogChunk chunk) {
        out.onNext(chunk);
        if (out.isReady()) {
          call.request(1);
        } else {
          stalled.set(true);
          // the client may have become ready between the check and the flag
          if (out.isReady() && stalled.compareAndSet(true, false)) {
            call.request(1);
          }
        }
      }

      @Override
      public void onClose(Status status, Metadata trailers) {
        if (out.isCancelled()) {
          return;
        }
        if (status.isOk()) {
          out.onCompleted();
        } else if (status.getCode() == Status.Code.UNAVAILABLE) {
          out.onError(Status.UNAVAILABLE.withDescription("cannot reach the agent of node " + nodeName + " at "
              + address + ":" + port + ": " + status.getDescription()).asRuntimeException());
        } else {
          out.onError(status.asRuntimeException());
        }
      }
    }, new Metadata());
    call.sendMessage(request);
    call.halfClose();
    call.request(1);
  }

  @Override
  public void close() {
    agents.values().forEach(ManagedChannel::shutdownNow);
  }
}
