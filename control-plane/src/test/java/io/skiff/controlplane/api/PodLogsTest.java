package io.skiff.controlplane.api;

import static io.skiff.controlplane.api.ApiTesting.assertRefused;
import static io.skiff.controlplane.api.ApiTesting.container;
import static io.skiff.controlplane.api.ApiTesting.nodes;
import static io.skiff.controlplane.api.ApiTesting.pod;
import static io.skiff.controlplane.api.ApiTesting.pods;
import static io.skiff.controlplane.api.ApiTesting.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.ByteString;
import io.grpc.Channel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.skiff.api.v1.DaemonEndpoint;
import io.skiff.api.v1.LogChunk;
import io.skiff.api.v1.Node;
import io.skiff.api.v1.NodeAddress;
import io.skiff.api.v1.NodeDaemonEndpoints;
import io.skiff.api.v1.NodeStatus;
import io.skiff.api.v1.ObjectMeta;
import io.skiff.api.v1.PodLogsRequest;
import io.skiff.controlplane.testing.MasterCluster;
import io.skiff.proto.agent.AgentGrpc;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pods/Logs on the master: it finds the pod's node and relays that node's agent's Logs stream (here
 * a stand-in agent on a real port), and refuses clearly when there is nothing to relay.
 */
class PodLogsTest {
  @TempDir
  static Path dataDir;
  static MasterCluster cluster;

  @BeforeAll
  static void start() throws Exception {
    cluster = MasterCluster.start(1, dataDir);
  }

  @AfterAll
  static void stop() throws Exception {
    cluster.close();
  }

  @Test
  void aMissingPodIsNotFound() {
    assertRefused(Status.Code.NOT_FOUND, () -> read(request(unique("nothing"))), "not found");
  }

  @Test
  void anUnscheduledPodHasNoLogsYet() {
    String name = unique("web");
    pods(api()).create(pod("default", name).build());
    assertRefused(Status.Code.FAILED_PRECONDITION, () -> read(request(name)), "is not scheduled to a node yet");
  }

  @Test
  void theContainerMustBeNamedAmongSeveralAndMustExist() {
    String node = registerNode("127.0.0.1", 1);
    String name = unique("web");
    pods(api()).create(pod("default", name).setSpec(ApiTesting.podSpec().addContainers(container("sidecar"))
        .setNodeName(node)).build());
    assertRefused(Status.Code.FAILED_PRECONDITION, () -> read(request(name)),
        "a container name must be specified for pod default/" + name, "[web, sidecar]");
    assertRefused(Status.Code.NOT_FOUND, () -> read(request(name).toBuilder().setContainer("db").build()),
        "container db is not valid");
  }

  @Test
  void aPodOnAnUnknownNodeOrAnUnreachableAgentIsUnavailable() throws Exception {
    String ghost = unique("ghost");
    String onGhost = unique("web");
    pods(api()).create(pod("default", onGhost).setSpec(ApiTesting.podSpec().setNodeName(ghost)).build());
    assertRefused(Status.Code.FAILED_PRECONDITION, () -> read(request(onGhost)), "node " + ghost, "is not registered");

    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    String node = registerNode("127.0.0.1", closedPort);
    String name = unique("web");
    pods(api()).create(pod("default", name).setSpec(ApiTesting.podSpec().setNodeName(node)).build());
    assertRefused(Status.Code.UNAVAILABLE, () -> read(request(name)), "cannot reach the agent of node " + node,
        "127.0.0.1:" + closedPort);
  }

  @Test
  void theAgentsStreamIsRelayedWithTheContainerFilledIn() throws Exception {
    List<PodLogsRequest> asked = new CopyOnWriteArrayList<>();
    Server agent = NettyServerBuilder.forPort(0).addService(new AgentGrpc.AgentImplBase() {
      @Override
      public void logs(PodLogsRequest request, StreamObserver<LogChunk> observer) {
        asked.add(request);
        for (int i = 0; i < 100; i++) {
          observer.onNext(LogChunk.newBuilder().setStream("stdout")
              .setData(ByteString.copyFromUtf8("line " + i + "\n")).build());
        }
        observer.onCompleted();
      }
    }).build().start();
    try {
      String node = registerNode("127.0.0.1", agent.getPort());
      String name = unique("web");
      pods(api()).create(pod("default", name).setSpec(ApiTesting.podSpec().setNodeName(node)).build());

      List<String> lines = read(request(name).toBuilder().setTailLines(100).setTimestamps(true).build());

      assertEquals(100, lines.size());
      assertEquals("line 99\n", lines.get(99));
      assertEquals(1, asked.size());
      assertEquals("web", asked.get(0).getContainer());
      assertEquals(name, asked.get(0).getName());
      assertEquals(100, asked.get(0).getTailLines());
      assertEquals(true, asked.get(0).getTimestamps());
    } finally {
      agent.shutdownNow();
      agent.awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  private static String registerNode(String address, int port) {
    String name = unique("node");
    nodes(api()).create(Node.newBuilder().setMetadata(ObjectMeta.newBuilder().setName(name)).build());
    nodes(api()).updateStatus(Node.newBuilder().setMetadata(ObjectMeta.newBuilder().setName(name))
        .setStatus(NodeStatus.newBuilder()
            .addAddresses(NodeAddress.newBuilder().setType("InternalIP").setAddress(address))
            .setDaemonEndpoints(NodeDaemonEndpoints.newBuilder()
                .setKubeletEndpoint(DaemonEndpoint.newBuilder().setPort(port))))
        .build());
    return name;
  }

  private static PodLogsRequest request(String name) {
    return PodLogsRequest.newBuilder().setNamespace("default").setName(name).build();
  }

  private static List<String> read(PodLogsRequest request) {
    List<String> chunks = new ArrayList<>();
    Iterator<LogChunk> stream = pods(api()).logs(request);
    while (stream.hasNext()) {
      chunks.add(stream.next().getData().toString(StandardCharsets.UTF_8));
    }
    return chunks;
  }

  private static Channel api() {
    return cluster.channel(0);
  }
}
