package io.skiff.controlplane.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.skiff.api.v1.AuthGrpc;
import io.skiff.api.v1.WhoAmIRequest;
import io.skiff.api.v1.WhoAmIResponse;
import io.skiff.controlplane.testing.MasterCluster;
import io.skiff.pki.PkiDirectory;
import io.skiff.store.server.Flags;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The API benchmark client against a secure master over real TLS, with the store's own tokens: as the
 * admin certificate it grants a bearer token bound cluster-admin, and loads run with that token alone
 * without an error; new TLS channels are timed; a token without TLS is refused before any connection.
 */
class SecureBenchClientTest {
  private static final Set<String> FLAGS = Set.of("--ca-file", "--cert-file", "--key-file", "--token");

  @TempDir
  static Path dir;
  static MasterCluster cluster;
  static PkiDirectory pki;
  static List<String> apis;

  @BeforeAll
  static void start() throws Exception {
    cluster = MasterCluster.start(1, dir.resolve("data"), MasterCluster.secure(dir.resolve("pki")), null);
    pki = cluster.pki().orElseThrow();
    apis = List.of("127.0.0.1:" + cluster.apiPort(0));
  }

  @AfterAll
  static void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  private static ChannelSecurity security(String... args) {
    return ChannelSecurity.fromFlags(Flags.parse(args, FLAGS));
  }

  private static ChannelSecurity asAdmin() {
    return security("--ca-file", pki.caCertificate().toString(), "--cert-file", pki.certificate("admin").toString(),
        "--key-file", pki.key("admin").toString());
  }

  @Test
  void aGrantedTokenAloneRunsLoadsWithoutErrors() throws Exception {
    String token;
    try (ApiConnections admin = new ApiConnections(asAdmin())) {
      token = new TokenGrant(admin, apis, 10_000).grant("bench", 60);
    }
    assertNotNull(token, "the master took the token");
    assertTrue(token.matches("[a-z0-9]{6}\\.[a-z0-9]{32}"), "ID.SECRET");
    ChannelSecurity bearer = security("--ca-file", pki.caCertificate().toString(), "--token", token);
    assertFalse(bearer.toString().contains(token.substring(7)), "the secret is not shown");
    try (ApiConnections connections = new ApiConnections(bearer)) {
      List<ManagedChannel> channels = connections.connect(apis, 2);
      WhoAmIResponse me = AuthGrpc.newBlockingStub(channels.get(0)).whoAmI(WhoAmIRequest.getDefaultInstance());
      assertEquals("bench", me.getUser());
      assertEquals("token", me.getAuthenticatedBy());
      for (PodLoad.Op op : PodLoad.Op.values()) {
        PodLoad load = new PodLoad(channels, op, BenchPods::pod, 4, "default", ApiConnections.runId("t-" + op), 10_000);
        load.prepare();
        PodLoad.Phase phase = load.run(100, 60, true);
        assertNotNull(phase, op + " finished");
        assertEquals(0, phase.errors.sum(), op + ": " + phase.errorSummary());
        assertEquals(100, phase.ok.sum(), op.toString());
        assertEquals(100, load.latencies().count(), op.toString());
      }
    }
  }

  @Test
  void newTlsChannelsAreTimedToReady() throws Exception {
    try (ApiConnections admin = new ApiConnections(asAdmin())) {
      LatencyLog.Percentiles times = new ChannelHandshakes(admin, 10_000).measure(apis.get(0), 10, 60);
      assertNotNull(times);
      assertEquals(10, times.count());
      assertTrue(times.ms(50) > 0);
    }
  }

  @Test
  void aTokenNeedsTlsAndACertificateNeedsItsCa() {
    IllegalArgumentException plaintextToken = assertThrows(IllegalArgumentException.class,
        () -> security("--token", "abcdef.0123456789abcdef0123456789abcdef"));
    assertTrue(plaintextToken.getMessage().contains("--token needs TLS"), plaintextToken.getMessage());
    assertFalse(plaintextToken.getMessage().contains("0123456789abcdef"), "the secret is not in the message");
    IllegalArgumentException noCa = assertThrows(IllegalArgumentException.class,
        () -> security("--cert-file", "a.crt", "--key-file", "a.key"));
    assertTrue(noCa.getMessage().contains("--ca-file"), noCa.getMessage());
  }
}
