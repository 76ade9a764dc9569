package io.skiff.agent.hollow;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.skiff.api.v1.LogChunk;
import io.skiff.api.v1.PodLogsRequest;
import io.skiff.proto.agent.AgentGrpc;
import java.util.Collection;

/**
 * skiff.agent.v1.Agent/Logs for all the hollow nodes of a JVM, on the one server they share: a
 * request goes to the node that has the pod it names, and that node's own log service answers.
 */
final class HollowLogs extends AgentGrpc.AgentImplBase {
  private final Collection<HollowNode> nodes;

  /** {@code nodes} is a live view: nodes started or stopped later are seen. */
  HollowLogs(Collection<HollowNode> nodes) {
    this.nodes = nodes;
  }

  @Override
  public void logs(PodLogsRequest request, StreamObserver<LogChunk> observer) {
    String namespace = request.getNamespace().isEmpty() ? "default" : request.getNamespace();
    for (HollowNode node : nodes) {
      if (node.hasPod(namespace, request.getName())) {
        node.logs().logs(request, observer);
        return;
      }
    }
    observer.onError(Status.NOT_FOUND.withDescription("pod " + namespace + "/" + request.getName()
        + " is on none of the hollow nodes here").asRuntimeException());
  }
}
