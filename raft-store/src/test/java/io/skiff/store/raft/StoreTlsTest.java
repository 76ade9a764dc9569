package io.skiff.store.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.inject.Guice;
import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.skiff.pki.TlsFiles;
import io.skiff.proto.etcd.KVGrpc;
import io.skiff.proto.etcd.PutRequest;
import io.skiff.proto.etcd.RangeRequest;
import io.skiff.store.ErrorCode;
import io.skiff.store.Store;
import io.skiff.store.StoreConfig;
import io.skiff.store.StoreException;
import io.skiff.store.StoreTls;
import io.skiff.store.TestPki;
import io.skiff.store.etcd.EtcdApiServer;
import io.skiff.store.process.Etcdctl;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A three-peer store with TLS, as a master runs it: Raft between peers over mutual TLS, the etcd
 * port requiring a client certificate in group system:masters; real Ratis, real gRPC, real etcdctl.
 */
class StoreTlsTest {
  private static final String NODES = "system:nodes";

  @TempDir
  static Path dir;
  private static TestPki pki;
  private static TestPki foreign;
  private static MiniCluster cluster;
  private static final List<EtcdApiServer> apis = new ArrayList<>();
  private static String endpoint;
  private static TlsFiles admin;

  @BeforeAll
  static void start() throws Exception {
    pki = new TestPki("cluster", dir);
    foreign = new TestPki("foreign", dir);
    admin = pki.client("admin", TestPki.MASTERS);
    cluster = MiniCluster.start(3, c -> c.toBuilder().tls(tls(pki.peer(c.id(), TestPki.MASTERS))).build());
    endpoint = "https://127.0.0.1:" + serve(cluster.peer(cluster.aFollower()));
  }

  private static StoreTls tls(TlsFiles files) {
    return new StoreTls(files, files, StoreTls.DEFAULT_CLIENT_GROUPS);
  }

  /** Serves {@code peer}'s etcd API as a store server does; returns its port. */
  private static int serve(StorePeer peer) throws Exception {
    EtcdApiServer api = Guice.createInjector(binder -> {
      binder.bind(StoreConfig.class).toInstance(peer.config());
      binder.bind(StorePeer.class).toInstance(peer);
      binder.bind(Store.class).toInstance(peer.store());
    }).getInstance(EtcdApiServer.class);
    api.start(EtcdApiServer.serverBuilder(new InetSocketAddress("127.0.0.1", 0), peer.config().tls()));
    apis.add(api);
    return api.port();
  }

  @AfterAll
  static void stop() throws Exception {
    for (EtcdApiServer api : apis) {
      api.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void writesAndLinearizableReadsGoOverMutualTls() throws Exception {
    int leader = cluster.awaitLeader();
    int follower = cluster.aFollower();
    // a write through a follower is forwarded to the leader by the peer's own (TLS) Ratis client
    cluster.store(follower).put(PutRequest.newBuilder().setKey(utf8("raft")).setValue(utf8("over tls")).build())
        .get(30, TimeUnit.SECONDS);
    for (int i = 0; i < 3; i++) {
      assertEquals("over tls", cluster.store(i).range(RangeRequest.newBuilder().setKey(utf8("raft")).build())
          .get(30, TimeUnit.SECONDS).getKvs(0).getValue().toStringUtf8(), "a linearizable read on peer " + i);
    }
    assertNotEquals(leader, follower);
  }

  @Test
  void etcdctlWithAnAdminCertificateWritesAndReads() {
    etcdctl(admin, "put", "admin-key", "admin-value").assertSuccess();
    assertEquals(List.of("admin-key", "admin-value"), etcdctl(admin, "get", "admin-key").assertSuccess().lines());
    etcdctl(admin, "endpoint", "health").assertSuccess();
  }

  @Test
  void aCertificateOutsideSystemMastersIsDeniedAndWritesNothing() {
    TlsFiles node = pki.client("system:node:n1", NODES);
    Etcdctl.Result denied = etcdctl(node, "put", "node-key", "x");
    denied.assertFailure("permission denied");
    assertTrue(denied.stderr().contains("is not in group system:masters"), denied.toString());
    assertEquals(List.of(), etcdctl(admin, "get", "node-key").assertSuccess().lines());
  }

  @Test
  void aClientWithoutACertificateIsRefused() {
    Etcdctl.Result refused = refused(TlsFiles.trusting(pki.caFile()), "put", "anonymous-key", "x");
    assertNotEquals(0, refused.exitCode(), refused.toString());
    assertEquals(List.of(), etcdctl(admin, "get", "anonymous-key").assertSuccess().lines());
  }

  @Test
  void aPlaintextClientIsRefused() {
    Etcdctl.Result refused = new Etcdctl(List.of(endpoint.replace("https://", "")), Duration.ofSeconds(2))
        .run("put", "plaintext-key", "x");
    assertNotEquals(0, refused.exitCode(), refused.toString());
    assertEquals(List.of(), etcdctl(admin, "get", "plaintext-key").assertSuccess().lines());
  }

  @Test
  void aClientTrustingAnotherCaRefusesTheServer() throws Exception {
    // what a client sees of a man in the middle: a server certificate its CA did not sign
    TlsFiles elsewhere = new TlsFiles(admin.certificate(), admin.privateKey(), foreign.caFile());
    Etcdctl.Result refused = refused(elsewhere, "put", "mitm-key", "x");
    assertNotEquals(0, refused.exitCode(), refused.toString());
    assertEquals(List.of(), etcdctl(admin, "get", "mitm-key").assertSuccess().lines());
    // etcdctl 3.4 prints only a deadline; a Java client shows the handshake's reason
    ManagedChannel channel = NettyChannelBuilder.forTarget(endpoint.replace("https://", ""))
        .sslContext(elsewhere.forClient()).build();
    try {
      StatusRuntimeException failed = assertThrows(StatusRuntimeException.class, () -> KVGrpc.newBlockingStub(channel)
          .withDeadlineAfter(5, TimeUnit.SECONDS).range(RangeRequest.newBuilder().setKey(utf8("mitm-key")).build()));
      assertEquals(Status.Code.UNAVAILABLE, failed.getStatus().getCode(), failed.toString());
      assertInstanceOf(SSLHandshakeException.class, failed.getCause(), failed.toString());
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void aPeerFromAnotherCaCanNeitherBeAddedNorSpeakRaft() throws Exception {
    int outsider = cluster.startJoiner("p3", "", c -> c.toBuilder().tls(tls(foreign.peer("p3", TestPki.MASTERS))).build());
    // the cluster's probe refuses the outsider's certificate, so it is never added
    ExecutionException added = assertThrows(ExecutionException.class,
        () -> cluster.peer(0).addMember(cluster.spec(outsider)).get(30, TimeUnit.SECONDS));
    StoreException refused = assertInstanceOf(StoreException.class, added.getCause());
    assertEquals(ErrorCode.FAILED_PRECONDITION, refused.code(), refused.getMessage());
    assertEquals(3, cluster.peer(0).members().size());
    // and the members refuse the outsider's own Raft calls: the handshake fails on its certificate
    assertThrows(ExecutionException.class,
        () -> cluster.peer(outsider).peerIdAt(cluster.spec(0).raftAddress()).get(30, TimeUnit.SECONDS));
    cluster.stop(outsider);
  }

  @Test
  void aClusterCertificateOutsideSystemMastersCannotSpeakRaft() throws Exception {
    int node = cluster.startJoiner("p4", "", c -> c.toBuilder().tls(tls(pki.peer("p4", NODES))).build());
    ExecutionException asked = assertThrows(ExecutionException.class,
        () -> cluster.peer(node).peerIdAt(cluster.spec(0).raftAddress()).get(30, TimeUnit.SECONDS));
    assertTrue(asked.getCause().getMessage().contains("is not in group system:masters"), asked.getCause().getMessage());
    cluster.stop(node);
  }

  private static Etcdctl.Result etcdctl(TlsFiles files, String... args) {
    return etcdctl(files, Duration.ofSeconds(5), args);
  }

  /** A command expected to be refused: etcdctl retries until its deadline, kept short. */
  private static Etcdctl.Result refused(TlsFiles files, String... args) {
    return etcdctl(files, Duration.ofSeconds(2), args);
  }

  private static Etcdctl.Result etcdctl(TlsFiles files, Duration timeout, String... args) {
    List<String> command = new ArrayList<>(List.of("--cacert=" + files.trustedCa()));
    if (files.hasCertificate()) {
      command.add("--cert=" + files.certificate());
      command.add("--key=" + files.privateKey());
    }
    command.addAll(List.of(args));
    return new Etcdctl(List.of(endpoint), timeout).run(command.toArray(String[]::new));
  }

  private static ByteString utf8(String s) {
    return ByteString.copyFromUtf8(s);
  }
}
