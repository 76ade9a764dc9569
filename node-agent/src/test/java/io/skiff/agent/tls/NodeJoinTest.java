package io.skiff.agent.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.skiff.agent.AgentConfig;
import io.skiff.agent.AgentSecurity;
import io.skiff.api.v1.AuthGrpc;
import io.skiff.api.v1.JoinRequest;
import io.skiff.api.v1.JoinResponse;
import io.skiff.client.Endpoints;
import io.skiff.pki.CertificateSpec;
import io.skiff.pki.Pem;
import io.skiff.pki.PkiDirectory;
import io.skiff.pki.Subjects;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A node's first start against a real TLS server that implements Auth/Join with a test CA. */
class NodeJoinTest {
  private static final String TOKEN = "abc123.0123456789abcdefghij0123456789ab";

  @TempDir
  Path dir;
  private TestPki cluster;
  private Server master;

  @BeforeEach
  void startMaster() throws Exception {
    cluster = new TestPki(dir.resolve("master-pki"), "test");
    AuthGrpc.AuthImplBase auth = new AuthGrpc.AuthImplBase() {
      @Override
      public void join(JoinRequest request, StreamObserver<JoinResponse> answer) {
        if (!request.getToken().equals(TOKEN)) {
          answer.onError(Status.UNAUTHENTICATED.withDescription("invalid or expired token").asRuntimeException());
          return;
        }
        X509Certificate certificate = cluster.ca.sign(Pem.certificationRequest(request.getCsrPem()),
            CertificateSpec.peer("system:node:" + request.getName(), List.of("system:nodes"),
                request.getAddressesList(), Duration.ofDays(1)));
        answer.onNext(JoinResponse.newBuilder().setCertificatePem(Pem.encode(certificate))
            .setCaPem(Pem.encode(cluster.ca.certificate())).build());
        answer.onCompleted();
      }
    };
    master = NettyServerBuilder.forPort(0)
        .sslContext(cluster.peer("master-1", "system:master:1", "system:masters", "127.0.0.1").forServer(false))
        .addService(auth).build().start();
  }

  @AfterEach
  void stopMaster() throws InterruptedException {
    master.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  @Test
  void joinsWithTheRightPinAndSavesTheNodesFiles() throws Exception {
    Path certDir = dir.resolve("agent-pki");
    NodeCertificates.ensure(config(certDir, TOKEN, cluster.ca.hash()), "127.0.0.1", "worker-host");

    PkiDirectory saved = new PkiDirectory(certDir);
    X509Certificate certificate = Pem.readCertificate(saved.certificate("node"));
    assertEquals("system:node:n1", Subjects.commonName(certificate));
    assertEquals(List.of("system:nodes"), Subjects.organizations(certificate));
    assertTrue(cluster.ca.issued(certificate));
    assertEquals(cluster.ca.hash(), io.skiff.pki.CertificateAuthority.hash(Pem.readCertificate(saved.caCertificate())));
    assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(saved.key("node")));
    String sans = certificate.getSubjectAlternativeNames().toString();
    assertTrue(sans.contains("worker-host") && sans.contains("127.0.0.1"), sans);
    // the saved key is the certificate's
    java.security.Signature signer = java.security.Signature.getInstance("SHA256withECDSA");
    signer.initSign(Pem.readPrivateKey(saved.key("node")));
    signer.update(new byte[] {1, 2, 3});
    byte[] signature = signer.sign();
    java.security.Signature verifier = java.security.Signature.getInstance("SHA256withECDSA");
    verifier.initVerify(certificate.getPublicKey());
    verifier.update(new byte[] {1, 2, 3});
    assertTrue(verifier.verify(signature));
  }

  @Test
  void refusesMastersThatCannotShowThePinnedCa() throws Exception {
    String foreignPin = new TestPki(dir.resolve("other"), "other").ca.hash();
    Path certDir = dir.resolve("agent-pki");

    IOException e = assertThrows(IOException.class,
        () -> NodeCertificates.ensure(config(certDir, TOKEN, foreignPin), "127.0.0.1", "worker-host"));
    assertTrue(e.getMessage().contains("cannot join"), e.getMessage());
    assertFalse(Files.exists(certDir.resolve("node.key")) || Files.exists(certDir.resolve("node.crt"))
        || Files.exists(certDir.resolve("ca.crt")), "nothing saved");
  }

  @Test
  void aRefusedTokenIsNamedWithoutItsSecret() {
    String wrong = "abc123.zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz";
    IOException e = assertThrows(IOException.class, () -> NodeCertificates.ensure(
        config(dir.resolve("agent-pki"), wrong, cluster.ca.hash()), "127.0.0.1", "worker-host"));
    assertTrue(e.getMessage().contains("refused the join token"), e.getMessage());
    assertFalse(e.getMessage().contains("zzzz"), "the secret is not in the message");
  }

  @Test
  void withoutCertificatesOrTokenTheErrorSaysWhatToGive() {
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> NodeCertificates.ensure(
        config(dir.resolve("agent-pki"), null, null), "127.0.0.1", "worker-host"));
    assertTrue(e.getMessage().contains("--token") && e.getMessage().contains("--ca-cert-hash")
        && e.getMessage().contains("--insecure"), e.getMessage());
  }

  @Test
  void existingFilesAreUsedWithoutJoining() throws Exception {
    Path certDir = dir.resolve("agent-pki");
    AgentConfig config = config(certDir, TOKEN, cluster.ca.hash());
    NodeCertificates.ensure(config, "127.0.0.1", "worker-host");
    master.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    String before = Files.readString(certDir.resolve("node.crt"));

    NodeCertificates.ensure(config, "127.0.0.1", "worker-host");  // no master to join through: none needed
    assertEquals(before, Files.readString(certDir.resolve("node.crt")));
  }

  private AgentConfig config(Path certDir, String token, String pin) {
    return AgentConfig.defaults(Endpoints.parse("127.0.0.1:" + master.getPort()), "n1")
        .withSecurity(new AgentSecurity(false, certDir, token, pin));
  }
}
