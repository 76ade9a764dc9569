package io.skiff.controlplane.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.google.protobuf.util.Durations;
import com.google.protobuf.util.Timestamps;
import io.grpc.Contexts;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.MetadataUtils;
import io.skiff.api.v1.AuthGrpc;
import io.skiff.api.v1.CreateTokenRequest;
import io.skiff.api.v1.CreateTokenResponse;
import io.skiff.api.v1.IssueCertificateRequest;
import io.skiff.api.v1.IssueCertificateResponse;
import io.skiff.api.v1.JoinRequest;
import io.skiff.api.v1.JoinResponse;
import io.skiff.api.v1.ListTokensRequest;
import io.skiff.api.v1.RevokeTokenRequest;
import io.skiff.api.v1.Token;
import io.skiff.api.v1.WhoAmIRequest;
import io.skiff.api.v1.WhoAmIResponse;
import io.skiff.client.testing.ManualClock;
import io.skiff.controlplane.auth.Identity;
import io.skiff.controlplane.auth.StoreTokens;
import io.skiff.controlplane.testing.SingleStorePeer;
import io.skiff.pki.CertificateAuthority;
import io.skiff.pki.KeyPairs;
import io.skiff.pki.Pem;
import io.skiff.pki.Subjects;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The Auth service over real gRPC (Netty on loopback) and a real store. A small interceptor stands in
 * for the server's authentication: it takes the caller's identity from test headers.
 */
class AuthServiceTest {
  private static final Metadata.Key<String> USER = Metadata.Key.of("x-test-user", Metadata.ASCII_STRING_MARSHALLER);
  private static final Metadata.Key<String> GROUPS = Metadata.Key.of("x-test-groups",
      Metadata.ASCII_STRING_MARSHALLER);

  @TempDir
  static Path dataDir;
  static SingleStorePeer peer;
  static StoreTokens tokens;
  static CertificateAuthority ca;
  static ManualClock clock;
  static Server server;
  static ManagedChannel channel;
  static AuthGrpc.AuthBlockingStub admin;
  static AuthGrpc.AuthBlockingStub anonymous;
  static ListAppender<ILoggingEvent> logs;
  /** Every secret the service handed out; none may appear in a log line. */
  static final List<String> secrets = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    logs = new ListAppender<>();
    logs.start();
    rootLogger().addAppender(logs);
    peer = SingleStorePeer.start(dataDir);
    clock = new ManualClock(Instant.now());
    tokens = new StoreTokens(peer.store(), clock);
    tokens.start();
    ca = CertificateAuthority.create("test-ca");
    secrets.add(Pem.encode(ca.key()));
    server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(ServerInterceptors.intercept(new AuthService(tokens, ca, clock), new TestAuthentication()))
        .build().start();
    channel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
    anonymous = AuthGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
    admin = as("admin", Identity.MASTERS_GROUP);
  }

  @AfterAll
  static void stop() throws Exception {
    if (channel != null) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    if (server != null) {
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    if (tokens != null) {
      tokens.close();
    }
    if (peer != null) {
      peer.close();
    }
    rootLogger().detachAppender(logs);
  }

  @AfterEach
  void clockBackToNow() {
    clock.set(Instant.now());
  }

  private static ch.qos.logback.classic.Logger rootLogger() {
    return (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  }

  /** Puts the identity named by the test headers into the call's context, as the server's authentication does. */
  private static final class TestAuthentication implements ServerInterceptor {
    @Override
    public <Q, R> io.grpc.ServerCall.Listener<Q> interceptCall(io.grpc.ServerCall<Q, R> call, Metadata headers,
        io.grpc.ServerCallHandler<Q, R> next) {
      String user = headers.get(USER);
      if (user == null) {
        return next.startCall(call, headers);
      }
      String groups = headers.get(GROUPS);
      Identity identity = new Identity(user, groups == null || groups.isEmpty() ? List.of()
          : Arrays.asList(groups.split(",")), "certificate");
      return Contexts.interceptCall(io.grpc.Context.current().withValue(Identity.KEY, identity), call, headers, next);
    }
  }

  private static AuthGrpc.AuthBlockingStub as(String user, String... groups) {
    Metadata headers = new Metadata();
    headers.put(USER, user);
    headers.put(GROUPS, String.join(",", groups));
    return anonymous.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
  }

  private static CreateTokenResponse createToken(CreateTokenRequest request) {
    CreateTokenResponse response = admin.createToken(request);
    secrets.add(response.getBearer().substring(response.getBearer().indexOf('.') + 1));
    return response;
  }

  private static CreateTokenResponse joinToken(String purpose) {
    return createToken(CreateTokenRequest.newBuilder().setPurpose(purpose).build());
  }

  private static Status.Code code(Runnable call) {
    return Status.fromThrowable(assertThrows(StatusRuntimeException.class, call::run)).getCode();
  }

  private static Status status(Runnable call) {
    return Status.fromThrowable(assertThrows(StatusRuntimeException.class, call::run));
  }

  // --- tokens ---

  @Test
  void tokensAreCreatedListedWithoutSecretsAndRevoked() {
    CreateTokenResponse created = createToken(CreateTokenRequest.newBuilder().setPurpose("user").setUser("alice")
        .addGroups("dev").setDescription("alice's laptop").build());
    Token token = created.getToken();
    assertTrue(created.getBearer().matches(token.getId() + "\\.[a-z0-9]{32}"));
    assertEquals(ca.hash(), created.getCaCertHash());
    assertEquals("admin", token.getCreatedBy());
    assertEquals("alice", token.getUser());
    assertFalse(token.hasExpires(), "a user token lives until revoked unless asked otherwise");

    List<Token> listed = admin.listTokens(ListTokensRequest.getDefaultInstance()).getTokensList();
    assertTrue(listed.contains(token));
    String secret = created.getBearer().substring(7);
    assertFalse(admin.listTokens(ListTokensRequest.getDefaultInstance()).toString().contains(secret));

    assertEquals(token, admin.revokeToken(RevokeTokenRequest.newBuilder().setId(token.getId()).build()));
    assertFalse(admin.listTokens(ListTokensRequest.getDefaultInstance()).getTokensList().contains(token));
    Status again = status(() -> admin.revokeToken(RevokeTokenRequest.newBuilder().setId(token.getId()).build()));
    assertEquals(Status.Code.NOT_FOUND, again.getCode());
    assertEquals("token \"" + token.getId() + "\" not found", again.getDescription());
  }

  @Test
  void joinTokensLiveADayByDefaultAndUserTokensAsAsked() {
    Token join = joinToken("join-agent").getToken();
    assertEquals(Duration.ofHours(24).toMillis(),
        Timestamps.toMillis(join.getExpires()) - Timestamps.toMillis(join.getCreated()));
    Token user = createToken(CreateTokenRequest.newBuilder().setPurpose("user").setUser("bob")
        .setTtl(Durations.fromHours(2)).build()).getToken();
    assertEquals(Duration.ofHours(2).toMillis(),
        Timestamps.toMillis(user.getExpires()) - Timestamps.toMillis(user.getCreated()));
  }

  @Test
  void badTokenRequestsNameTheField() {
    Status noUser = status(() -> admin.createToken(CreateTokenRequest.newBuilder().setPurpose("user").build()));
    assertEquals(Status.Code.INVALID_ARGUMENT, noUser.getCode());
    assertTrue(noUser.getDescription().contains("user: Required value"), noUser.getDescription());

    Status purpose = status(() -> admin.createToken(CreateTokenRequest.newBuilder().setPurpose("root").build()));
    assertTrue(purpose.getDescription().contains("purpose: Unsupported value: \"root\""), purpose.getDescription());

    Status joinWithUser = status(() -> admin.createToken(CreateTokenRequest.newBuilder().setPurpose("join-agent")
        .setUser("eve").build()));
    assertTrue(joinWithUser.getDescription().contains("user: Forbidden"), joinWithUser.getDescription());

    Status badGroup = status(() -> admin.createToken(CreateTokenRequest.newBuilder().setPurpose("user")
        .setUser("eve").addGroups("a b").build()));
    assertTrue(badGroup.getDescription().contains("groups[0]: Invalid value: \"a b\""), badGroup.getDescription());

    Status node = status(() -> admin.createToken(CreateTokenRequest.newBuilder().setPurpose("user")
        .setUser("system:node:n1").build()));
    assertTrue(node.getDescription().contains("only by joining"), node.getDescription());

    Status ttl = status(() -> admin.createToken(CreateTokenRequest.newBuilder().setPurpose("user").setUser("eve")
        .setTtl(Durations.fromSeconds(-5)).build()));
    assertTrue(ttl.getDescription().contains("ttl: Invalid value"), ttl.getDescription());
  }

  @Test
  void everyMethodButJoinNeedsAnAuthenticatedCaller() {
    assertEquals(Status.Code.UNAUTHENTICATED, code(() -> anonymous.createToken(CreateTokenRequest.newBuilder()
        .setPurpose("user").setUser("mallory").build())));
    assertEquals(Status.Code.UNAUTHENTICATED, code(() -> anonymous.listTokens(ListTokensRequest.getDefaultInstance())));
    assertEquals(Status.Code.UNAUTHENTICATED, code(() -> anonymous.whoAmI(WhoAmIRequest.getDefaultInstance())));
    assertEquals(Status.Code.UNAUTHENTICATED, code(() -> anonymous.issueCertificate(IssueCertificateRequest
        .newBuilder().setUser("mallory").build())));
  }

  @Test
  void whoAmIAnswersWithTheCallersIdentity() {
    WhoAmIResponse me = as("bob", "dev", "system:authenticated").whoAmI(WhoAmIRequest.getDefaultInstance());
    assertEquals("bob", me.getUser());
    assertEquals(List.of("dev", "system:authenticated"), me.getGroupsList());
    assertEquals("certificate", me.getAuthenticatedBy());
  }

  // --- joining ---

  @Test
  void anAgentJoinsWithItsOwnKeyAndGetsANodeCertificate() throws Exception {
    String bearer = joinToken("join-agent").getBearer();
    KeyPair pair = KeyPairs.generate();
    JoinResponse joined = anonymous.join(JoinRequest.newBuilder().setToken(bearer).setName("node-1")
        .setCsrPem(Pem.encode(CertificateAuthority.request(pair, "whatever-the-csr-says")))
        .addAllAddresses(List.of("10.0.0.5", "Node-1.Example", "127.0.0.1", "10.0.0.5")).build());

    X509Certificate certificate = Pem.certificate(joined.getCertificatePem());
    certificate.verify(ca.certificate().getPublicKey());
    certificate.checkValidity();
    assertEquals(ca.certificate(), Pem.certificate(joined.getCaPem()));
    assertEquals("system:node:node-1", Subjects.commonName(certificate));
    assertEquals(List.of("system:nodes"), Subjects.organizations(certificate));
    assertEquals(pair.getPublic(), certificate.getPublicKey(), "the certificate is for the joiner's own key");
    assertEquals(Set.of("10.0.0.5", "node-1.example", "127.0.0.1"), subjectAltNames(certificate));
    assertTrue(certificate.getExtendedKeyUsage().containsAll(List.of("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2")),
        "serving and client");
    long days = Duration.between(Instant.now(), certificate.getNotAfter().toInstant()).toDays();
    assertTrue(days >= 364 && days <= 365, "valid a year, not " + days + " days");
    assertTrue(joined.getCaKeyPem().isEmpty(), "an agent never gets the CA's key");

    // a join token works until it expires or is revoked, as kubeadm's do
    KeyPair other = KeyPairs.generate();
    anonymous.join(JoinRequest.newBuilder().setToken(bearer).setName("node-2").addAddresses("10.0.0.6")
        .setCsrPem(Pem.encode(CertificateAuthority.request(other, "node-2"))).build());
  }

  @Test
  void aMasterJoinsAndGetsTheCaKey() throws Exception {
    String bearer = joinToken("join-master").getBearer();
    KeyPair pair = KeyPairs.generate();
    JoinResponse joined = anonymous.join(JoinRequest.newBuilder().setToken(bearer).setName("m2")
        .setCsrPem(Pem.encode(CertificateAuthority.request(pair, "m2"))).addAddresses("192.168.1.2").build());

    X509Certificate certificate = Pem.certificate(joined.getCertificatePem());
    certificate.verify(ca.certificate().getPublicKey());
    assertEquals("system:master:m2", Subjects.commonName(certificate));
    assertEquals(List.of("system:masters"), Subjects.organizations(certificate));
    assertEquals(Set.of("192.168.1.2"), subjectAltNames(certificate));
    PrivateKey caKey = Pem.privateKey(joined.getCaKeyPem());
    assertArrayEquals(ca.key().getEncoded(), caKey.getEncoded());
  }

  @Test
  void everyBadJoinTokenIsRefusedAlike() {
    CreateTokenResponse agent = joinToken("join-agent");
    String revoked = joinToken("join-agent").getBearer();
    admin.revokeToken(RevokeTokenRequest.newBuilder().setId(revoked.substring(0, 6)).build());
    String user = createToken(CreateTokenRequest.newBuilder().setPurpose("user").setUser("carol").build()).getBearer();
    String expiring = createToken(CreateTokenRequest.newBuilder().setPurpose("join-agent")
        .setTtl(Durations.fromMinutes(10)).build()).getBearer();
    String wrongSecret = agent.getToken().getId() + "." + "0".repeat(32);
    String unknown = "zzzzzz." + "0".repeat(32);

    List<String> bad = new ArrayList<>(List.of(revoked, user, wrongSecret, unknown, "", "garbage",
        agent.getToken().getId()));
    KeyPair pair = KeyPairs.generate();
    String csr = Pem.encode(CertificateAuthority.request(pair, "n"));
    for (String token : bad) {
      Status refused = status(() -> anonymous.join(JoinRequest.newBuilder().setToken(token).setName("n")
          .addAddresses("10.0.0.9").setCsrPem(csr).build()));
      assertEquals(Status.Code.UNAUTHENTICATED, refused.getCode(), token);
      assertEquals(AuthService.JOIN_REFUSED, refused.getDescription());
    }
    clock.advance(Duration.ofMinutes(10));
    Status expired = status(() -> anonymous.join(JoinRequest.newBuilder().setToken(expiring).setName("n")
        .addAddresses("10.0.0.9").setCsrPem(csr).build()));
    assertEquals(Status.Code.UNAUTHENTICATED, expired.getCode());
    assertEquals(AuthService.JOIN_REFUSED, expired.getDescription());
  }

  @Test
  void aGoodTokenWithABadNameOrSigningRequestIsAnInvalidArgument() throws Exception {
    String bearer = joinToken("join-agent").getBearer();
    KeyPair pair = KeyPairs.generate();
    String csr = Pem.encode(CertificateAuthority.request(pair, "n"));

    Status name = status(() -> anonymous.join(JoinRequest.newBuilder().setToken(bearer).setName("Bad_Name")
        .addAddresses("10.0.0.9").setCsrPem(csr).build()));
    assertEquals(Status.Code.INVALID_ARGUMENT, name.getCode());
    assertTrue(name.getDescription().contains("name: Invalid value: \"Bad_Name\""), name.getDescription());

    Status garbage = status(() -> anonymous.join(JoinRequest.newBuilder().setToken(bearer).setName("n")
        .addAddresses("10.0.0.9").setCsrPem("not a csr").build()));
    assertEquals(Status.Code.INVALID_ARGUMENT, garbage.getCode());
    assertTrue(garbage.getDescription().startsWith("csr_pem: "), garbage.getDescription());

    // a request for one key signed by another: its sender does not hold the key it names
    KeyPair other = KeyPairs.generate();
    String forged = Pem.encode(new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=n"), pair.getPublic())
        .build(new JcaContentSignerBuilder("SHA256withECDSA").build(other.getPrivate())));
    Status unsigned = status(() -> anonymous.join(JoinRequest.newBuilder().setToken(bearer).setName("n")
        .addAddresses("10.0.0.9").setCsrPem(forged).build()));
    assertEquals(Status.Code.INVALID_ARGUMENT, unsigned.getCode());
    assertTrue(unsigned.getDescription().contains("does not verify"), unsigned.getDescription());

    Status address = status(() -> anonymous.join(JoinRequest.newBuilder().setToken(bearer).setName("n")
        .addAddresses("not an address").setCsrPem(csr).build()));
    assertTrue(address.getDescription().contains("addresses[0]: Invalid value"), address.getDescription());
  }

  // --- client certificates ---

  @Test
  void aClientCertificateForTheCallersOwnKey() throws Exception {
    KeyPair pair = KeyPairs.generate();
    IssueCertificateResponse issued = admin.issueCertificate(IssueCertificateRequest.newBuilder().setUser("alice")
        .addGroups("dev").addGroups("ops").setCsrPem(Pem.encode(CertificateAuthority.request(pair, "ignored")))
        .build());
    X509Certificate certificate = Pem.certificate(issued.getCertificatePem());
    certificate.verify(ca.certificate().getPublicKey());
    assertEquals("alice", Subjects.commonName(certificate));
    assertEquals(Set.copyOf(List.of("dev", "ops")), Set.copyOf(Subjects.organizations(certificate)));
    assertEquals(pair.getPublic(), certificate.getPublicKey());
    assertEquals(List.of("1.3.6.1.5.5.7.3.2"), certificate.getExtendedKeyUsage(), "client only");
    assertTrue(issued.getPrivateKeyPem().isEmpty(), "the caller keeps its own key");
    assertEquals(ca.certificate(), Pem.certificate(issued.getCaPem()));
  }

  @Test
  void aClientCertificateWithAServerMadeKey() throws Exception {
    IssueCertificateResponse issued = admin.issueCertificate(IssueCertificateRequest.newBuilder().setUser("root")
        .addGroups(Identity.MASTERS_GROUP).setTtl(Durations.fromDays(30)).build());
    secrets.add(issued.getPrivateKeyPem());
    X509Certificate certificate = Pem.certificate(issued.getCertificatePem());
    certificate.verify(ca.certificate().getPublicKey());
    assertEquals("root", Subjects.commonName(certificate));
    assertEquals(List.of(Identity.MASTERS_GROUP), Subjects.organizations(certificate), "an admin may mint admins");
    long days = Duration.between(Instant.now(), certificate.getNotAfter().toInstant()).toDays();
    assertTrue(days >= 29 && days <= 30, "valid 30 days, not " + days);

    // the returned key is the certificate's: what it signs, the certificate's key verifies
    byte[] data = "proof".getBytes(StandardCharsets.US_ASCII);
    Signature signer = Signature.getInstance("SHA256withECDSA");
    signer.initSign(Pem.privateKey(issued.getPrivateKeyPem()));
    signer.update(data);
    Signature verifier = Signature.getInstance("SHA256withECDSA");
    verifier.initVerify(certificate.getPublicKey());
    verifier.update(data);
    assertTrue(verifier.verify(signer.sign()));
  }

  @Test
  void nodeAndMasterIdentitiesAreOnlyMadeByJoining() {
    for (IssueCertificateRequest request : List.of(
        IssueCertificateRequest.newBuilder().setUser("system:node:n1").build(),
        IssueCertificateRequest.newBuilder().setUser("system:master:m1").build(),
        IssueCertificateRequest.newBuilder().setUser("mallory").addGroups("system:nodes").build())) {
      Status refused = status(() -> admin.issueCertificate(request));
      assertEquals(Status.Code.INVALID_ARGUMENT, refused.getCode());
      assertTrue(refused.getDescription().contains("only by joining"), refused.getDescription());
    }
    Status noUser = status(() -> admin.issueCertificate(IssueCertificateRequest.getDefaultInstance()));
    assertTrue(noUser.getDescription().contains("user: Required value"), noUser.getDescription());
  }

  // --- secrets ---

  @Test
  void noSecretIsEverLogged() {
    // runs with the others in any order; checked again after all of them
    assertNoSecretLogged();
  }

  @AfterAll
  static void noSecretWasLoggedByAnyTest() {
    assertTrue(logs.list.stream().anyMatch(e -> e.getFormattedMessage().contains("created token")),
        "the capture sees the service's log lines");
    assertNoSecretLogged();
  }

  private static void assertNoSecretLogged() {
    for (ILoggingEvent event : logs.list) {
      String line = event.getFormattedMessage() + (event.getThrowableProxy() == null ? ""
          : event.getThrowableProxy().getMessage());
      for (String secret : secrets) {
        assertFalse(line.contains(secret.strip()), "a secret was logged: " + event.getLoggerName());
      }
    }
  }

  private static Set<String> subjectAltNames(X509Certificate certificate) throws Exception {
    return certificate.getSubjectAlternativeNames().stream().map(name -> (String) name.get(1))
        .collect(java.util.stream.Collectors.toSet());
  }
}
