package io.skiff.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.skiff.api.v1.AuthGrpc;
import io.skiff.api.v1.WhoAmIRequest;
import io.skiff.api.v1.WhoAmIResponse;
import io.skiff.pki.CertificateAuthority;
import io.skiff.pki.CertificateSpec;
import io.skiff.pki.PkiDirectory;
import io.skiff.pki.Subjects;
import io.skiff.pki.TlsFiles;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * MasterChannels over real TLS: masters with certificates from a test CA, each naming only its own
 * host, behind one channel.
 */
class MasterChannelsTlsTest {
  private static final Context.Key<String> AUTHORIZATION = Context.key("authorization");
  private static final Context.Key<String> CLIENT = Context.key("client");

  @TempDir
  Path dir;
  private PkiDirectory pki;
  private CertificateAuthority ca;
  private final List<Server> servers = new ArrayList<>();
  private final List<ManagedChannel> channels = new ArrayList<>();

  @BeforeEach
  void ca() throws Exception {
    pki = new PkiDirectory(dir.resolve("pki"));
    ca = pki.ensureCa("test");
  }

  @AfterEach
  void stop() throws InterruptedException {
    channels.forEach(ManagedChannel::shutdownNow);
    servers.forEach(Server::shutdownNow);
    for (Server server : servers) {
      server.awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void failsOverBetweenMastersCheckingEachOneAgainstItsOwnHost() throws Exception {
    Server byAddress = master("a", "127.0.0.1", pki);
    Server byName = master("b", "localhost", pki);
    ManagedChannel channel = open(List.of(InetSocketAddress.createUnresolved("127.0.0.1", byAddress.getPort()),
        InetSocketAddress.createUnresolved("localhost", byName.getPort())), Credentials.tls(pki.trustOnly()));

    String first = whoAmI(channel).getUser();
    Server firstServer = first.equals("a") ? byAddress : byName;
    firstServer.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);

    String second = whoAmI(channel).getUser();
    assertNotEquals(first, second, "the channel moved to the other master");
  }

  @Test
  void refusesAMasterWhoseCertificateComesFromAnotherCa() throws Exception {
    PkiDirectory foreign = new PkiDirectory(dir.resolve("foreign"));
    foreign.ensureCa("foreign");
    Server impostor = master("x", "127.0.0.1", foreign);
    ManagedChannel channel = open(List.of(InetSocketAddress.createUnresolved("127.0.0.1", impostor.getPort())),
        Credentials.tls(pki.trustOnly()));

    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> whoAmI(channel));
    assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode());
    assertTrue(causes(e).stream().anyMatch(c -> c instanceof SSLException), "a TLS failure: " + e);
  }

  @Test
  void refusesAMasterWhoseCertificateNamesAnotherHost() throws Exception {
    Server elsewhere = master("y", "master.example", pki);
    ManagedChannel channel = open(List.of(InetSocketAddress.createUnresolved("127.0.0.1", elsewhere.getPort())),
        Credentials.tls(pki.trustOnly()));

    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> whoAmI(channel));
    assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode());
  }

  @Test
  void sendsTheBearerTokenInTheAuthorizationHeader() throws Exception {
    Server master = master("a", "127.0.0.1", pki);
    ManagedChannel channel = open(List.of(InetSocketAddress.createUnresolved("127.0.0.1", master.getPort())),
        Credentials.tls(pki.trustOnly()).withToken("abc123.0123456789abcdefghij0123456789ab"));

    assertEquals("Bearer abc123.0123456789abcdefghij0123456789ab", whoAmI(channel).getAuthenticatedBy());
  }

  @Test
  void presentsTheClientCertificate() throws Exception {
    Server master = master("a", "127.0.0.1", pki);
    CertificateAuthority.Issued admin = ca.issue(CertificateSpec.client("admin", List.of("system:masters"),
        Duration.ofDays(1)));
    pki.install("admin", admin.certificate(), admin.key());
    ManagedChannel channel = open(List.of(InetSocketAddress.createUnresolved("127.0.0.1", master.getPort())),
        Credentials.tls(pki.files("admin")));

    WhoAmIResponse answer = whoAmI(channel);
    assertEquals(List.of("admin"), answer.getGroupsList());
    assertEquals("", answer.getAuthenticatedBy(), "no bearer token without one");
  }

  @Test
  void refusesToSendATokenInPlaintext() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MasterChannels.open(
        List.of(InetSocketAddress.createUnresolved("127.0.0.1", 6443)),
        Credentials.insecure().withToken("abc123.0123456789abcdefghij0123456789ab")));
    assertTrue(e.getMessage().contains("TLS only"), e.getMessage());
    assertTrue(!e.getMessage().contains("0123456789"), "the token is not in the message");
  }

  private ManagedChannel open(List<InetSocketAddress> endpoints, Credentials credentials) {
    ManagedChannel channel = MasterChannels.open(endpoints, credentials);
    channels.add(channel);
    return channel;
  }

  private static WhoAmIResponse whoAmI(ManagedChannel channel) {
    return AuthGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
        .whoAmI(WhoAmIRequest.getDefaultInstance());
  }

  /**
   * A master serving with a certificate from {@code issuer} that names only {@code host}: WhoAmI
   * answers with its id as the user, the client certificate's CN as a group (if any), and the
   * authorization header as authenticated_by.
   */
  private Server master(String id, String host, PkiDirectory issuer) throws Exception {
    CertificateAuthority issuerCa = issuer.loadCa();
    CertificateAuthority.Issued issued = issuerCa.issue(CertificateSpec.peer("system:master:" + id,
        List.of("system:masters"), List.of(host), Duration.ofDays(1)));
    issuer.install("master-" + id, issued.certificate(), issued.key(), issuerCa.certificate());
    TlsFiles files = issuer.files("master-" + id);
    AuthGrpc.AuthImplBase service = new AuthGrpc.AuthImplBase() {
      @Override
      public void whoAmI(WhoAmIRequest request, StreamObserver<WhoAmIResponse> answer) {
        WhoAmIResponse.Builder response = WhoAmIResponse.newBuilder().setUser(id);
        if (CLIENT.get() != null) {
          response.addGroups(CLIENT.get());
        }
        answer.onNext(response.setAuthenticatedBy(AUTHORIZATION.get() == null ? "" : AUTHORIZATION.get()).build());
        answer.onCompleted();
      }
    };
    ServerInterceptor capture = new ServerInterceptor() {
      @Override
      public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers,
          ServerCallHandler<Q, A> next) {
        SSLSession session = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
        Context context = Context.current()
            .withValue(AUTHORIZATION, headers.get(BearerToken.AUTHORIZATION))
            .withValue(CLIENT, Subjects.peer(session).map(Subjects::commonName).orElse(null));
        return Contexts.interceptCall(context, call, headers, next);
      }
    };
    Server server = NettyServerBuilder.forPort(0).sslContext(files.forServer(false))
        .addService(ServerInterceptors.intercept(service, capture)).build().start();
    servers.add(server);
    return server;
  }

  private static List<Throwable> causes(Throwable t) {
    List<Throwable> all = new ArrayList<>();
    for (Throwable c = t; c != null && !all.contains(c); c = c.getCause()) {
      all.add(c);
    }
    return all;
  }
}
