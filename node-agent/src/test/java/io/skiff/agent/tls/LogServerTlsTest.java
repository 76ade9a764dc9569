package io.skiff.agent.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.skiff.agent.AgentSecurity;
import io.skiff.agent.logs.LogServer;
import io.skiff.api.v1.LogChunk;
import io.skiff.api.v1.PodLogsRequest;
import io.skiff.pki.TlsFiles;
import io.skiff.proto.agent.AgentGrpc;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent's logs port over TLS: it answers masters (group system:masters) and no one else. */
class LogServerTlsTest {
  @TempDir
  Path dir;
  private TestPki cluster;
  private Server server;
  private final List<ManagedChannel> channels = new ArrayList<>();

  @BeforeEach
  void serve() throws Exception {
    cluster = new TestPki(dir.resolve("pki"), "test");
    cluster.peer(AgentSecurity.NODE_FILES, "system:node:n1", "system:nodes", "127.0.0.1");
    AgentGrpc.AgentImplBase logs = new AgentGrpc.AgentImplBase() {
      @Override
      public void logs(PodLogsRequest request, StreamObserver<LogChunk> answer) {
        answer.onNext(LogChunk.newBuilder().setData(ByteString.copyFromUtf8("hello\n")).build());
        answer.onCompleted();
      }
    };
    server = LogServer.serve(AgentSecurity.tls(cluster.dir.dir()), 0, logs);
  }

  @AfterEach
  void stop() throws InterruptedException {
    channels.forEach(ManagedChannel::shutdownNow);
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  @Test
  void answersAMaster() throws Exception {
    TlsFiles master = cluster.peer("master-1", "system:master:1", "system:masters", "127.0.0.1");
    assertEquals("hello\n", read(tls(master)));
  }

  @Test
  void refusesAClientCertificateOutsideSystemMasters() throws Exception {
    TlsFiles otherNode = cluster.client("other", "system:node:n2", "system:nodes");
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> read(tls(otherNode)));
    assertEquals(Status.Code.PERMISSION_DENIED, e.getStatus().getCode());
    assertTrue(e.getStatus().getDescription().contains("system:node:n2"), e.getStatus().getDescription());
  }

  @Test
  void refusesACallerWithoutACertificate() {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> read(tls(cluster.dir.trustOnly())));
    assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode());
  }

  @Test
  void refusesPlaintext() {
    ManagedChannel plaintext = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
    channels.add(plaintext);
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> read(plaintext));
    assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode());
  }

  private ManagedChannel tls(TlsFiles files) {
    ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort())
        .sslContext(files.forClient()).build();
    channels.add(channel);
    return channel;
  }

  private static String read(ManagedChannel channel) {
    StringBuilder text = new StringBuilder();
    AgentGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
        .logs(PodLogsRequest.newBuilder().setName("p").build())
        .forEachRemaining(chunk -> text.append(chunk.getData().toString(StandardCharsets.UTF_8)));
    return text.toString();
  }
}
