package io.skiff.cli.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Timestamp;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.skiff.api.v1.AuthGrpc;
import io.skiff.api.v1.ClusterRoleBinding;
import io.skiff.api.v1.ClusterRoleBindingsGrpc;
import io.skiff.api.v1.CreateTokenRequest;
import io.skiff.api.v1.CreateTokenResponse;
import io.skiff.api.v1.IssueCertificateRequest;
import io.skiff.api.v1.IssueCertificateResponse;
import io.skiff.api.v1.ListTokensRequest;
import io.skiff.api.v1.ListTokensResponse;
import io.skiff.api.v1.RevokeTokenRequest;
import io.skiff.api.v1.RoleBinding;
import io.skiff.api.v1.RoleBindingsGrpc;
import io.skiff.api.v1.Token;
import io.skiff.api.v1.WhoAmIRequest;
import io.skiff.api.v1.WhoAmIResponse;
import io.skiff.cli.testing.Skiff;
import io.skiff.pki.CertificateAuthority;
import io.skiff.pki.CertificateSpec;
import io.skiff.pki.Pem;
import io.skiff.pki.PkiDirectory;
import io.skiff.pki.Subjects;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * skiff token, certificate and auth against a real TLS server that plays a master's Auth and RBAC
 * services (the real ones are the masters'; here the commands' side: requests, output, files).
 */
class AuthCommandsTest {
  private static final String TOKEN = "adm000.0123456789abcdefghij0123456789ab";
  private static final String NEW_SECRET = "tok123.zyxwvutsrqponmlkjihgfedcba987654";
  private static final Context.Key<String> AUTHORIZATION = Context.key("authorization");
  private static final Metadata.Key<String> HEADER = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  @TempDir
  Path home;
  private CertificateAuthority ca;
  private Server master;
  private Skiff skiff;
  private final List<Object> received = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws Exception {
    PkiDirectory pki = new PkiDirectory(home.resolve(".skiff/pki"));
    ca = pki.ensureCa("test");
    CertificateAuthority.Issued serving = ca.issue(CertificateSpec.peer("system:master:1", List.of("system:masters"),
        List.of("127.0.0.1"), Duration.ofDays(1)));
    pki.install("master-1", serving.certificate(), serving.key(), ca.certificate());
    ServerInterceptor capture = new ServerInterceptor() {
      @Override
      public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers,
          ServerCallHandler<Q, A> next) {
        return Contexts.interceptCall(Context.current().withValue(AUTHORIZATION, headers.get(HEADER)), call, headers,
            next);
      }
    };
    master = NettyServerBuilder.forPort(0).sslContext(pki.files("master-1").forServer(false))
        .addService(ServerInterceptors.intercept(new FakeAuth(), capture))
        .addService(new RoleBindingsGrpc.RoleBindingsImplBase() {
          @Override
          public void create(RoleBinding binding, StreamObserver<RoleBinding> answer) {
            received.add(binding);
            answer.onNext(binding);
            answer.onCompleted();
          }
        })
        .addService(new ClusterRoleBindingsGrpc.ClusterRoleBindingsImplBase() {
          @Override
          public void create(ClusterRoleBinding binding, StreamObserver<ClusterRoleBinding> answer) {
            received.add(binding);
            answer.onNext(binding);
            answer.onCompleted();
          }
        })
        .build().start();
    Path config = home.resolve(".skiff/config");
    // the CA path is relative: to the config file's directory
    Files.writeString(config, "current-context: test\ncontexts:\n- name: test\n  endpoints: [127.0.0.1:"
        + master.getPort() + "]\n  certificate-authority: pki/ca.crt\n  token: " + TOKEN + "\n");
    skiff = new Skiff(home, config);
  }

  @AfterEach
  void stop() throws InterruptedException {
    master.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  @Test
  void aJoinTokenComesWithTheCaHashAndTheAgentsCommandLine() {
    Skiff.Result result = skiff.run("token", "create", "--purpose", "join-agent", "--ttl", "2h");
    assertEquals(0, result.code(), result.toString());
    assertTrue(result.out().contains("  " + NEW_SECRET + "\n"), result.out());
    assertTrue(result.out().contains("  skiff agent --masters 127.0.0.1:" + master.getPort() + " --token " + NEW_SECRET
        + " --ca-cert-hash " + ca.hash() + "\n"), result.out());
    CreateTokenRequest request = (CreateTokenRequest) received.get(0);
    assertEquals("join-agent", request.getPurpose());
    assertEquals(7200, request.getTtl().getSeconds());
  }

  @Test
  void aUserTokenWithARoleIsBoundInTheNamespaceOrEverywhere() {
    Skiff.Result inDev = skiff.run("token", "create", "--user", "bob", "--group", "dev", "--role", "edit", "-n", "dev",
        "--description", "bob's laptop");
    assertEquals(0, inDev.code(), inDev.toString());
    CreateTokenRequest request = (CreateTokenRequest) received.get(0);
    assertEquals("bob", request.getUser());
    assertEquals(List.of("dev"), request.getGroupsList());
    RoleBinding binding = (RoleBinding) received.get(1);
    assertEquals("token-tok123", binding.getMetadata().getName());
    assertEquals("dev", binding.getMetadata().getNamespace());
    assertEquals("edit", binding.getRole());
    assertEquals("User", binding.getSubjects(0).getKind());
    assertEquals("bob", binding.getSubjects(0).getName());
    assertTrue(inDev.out().contains("RoleBinding token-tok123 grants edit to user \"bob\" in namespace \"dev\"."),
        inDev.out());

    assertEquals(0, skiff.run("token", "create", "--user", "ops", "--role", "view").code());
    ClusterRoleBinding everywhere = (ClusterRoleBinding) received.get(3);
    assertEquals("view", everywhere.getRole());
    assertEquals("ops", everywhere.getSubjects(0).getName());

    assertTrue(skiff.run("token", "create", "--role", "edit").err().contains("needs --user"));
    assertTrue(skiff.run("token", "create", "--user", "x", "--role", "root").err()
        .contains("cluster-admin, edit, view"));
  }

  @Test
  void tokensAreListedWithoutSecretsAndRevokedById() {
    Skiff.Result list = skiff.run("token", "list");
    assertEquals("""
        ID       PURPOSE      USER     GROUPS   EXPIRES                DESCRIPTION
        tok123   user         bob      dev      never                  laptop
        joi456   join-agent   <none>   <none>   2026-01-02T03:04:05Z   <none>
        """, list.out());
    assertEquals("Token tok123 revoked.\n", skiff.run("token", "revoke", "tok123").out());
    assertEquals("tok123", ((RevokeTokenRequest) received.get(received.size() - 1)).getId());
  }

  @Test
  void aCertificateIsMadeForAKeyThatStaysHere() throws Exception {
    Path out = home.resolve("alice");
    Skiff.Result result = skiff.run("certificate", "create", "--user", "alice", "--group", "dev", "--out-dir",
        out.toString());
    assertEquals(0, result.code(), result.toString());
    X509Certificate certificate = Pem.readCertificate(out.resolve("alice.crt"));
    assertEquals("alice", Subjects.commonName(certificate));
    assertEquals(List.of("dev"), Subjects.organizations(certificate));
    assertEquals(ca.hash(), CertificateAuthority.hash(Pem.readCertificate(out.resolve("ca.crt"))));
    assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(out.resolve("alice.key")));
    assertTrue(result.out().contains("skiff config set-context alice --endpoints=127.0.0.1:" + master.getPort()
        + " --certificate-authority=" + out.resolve("ca.crt") + " --client-certificate=" + out.resolve("alice.crt")
        + " --client-key=" + out.resolve("alice.key")), result.out());

    // the printed context works: the new certificate authenticates over TLS
    Skiff.Result whoami = skiff.run("auth", "whoami", "--context", "test", "--token=", "--cert-file",
        out.resolve("alice.crt").toString(), "--key-file", out.resolve("alice.key").toString());
    assertEquals(0, whoami.code(), whoami.toString());
  }

  @Test
  void whoAmIShowsWhomTheMastersSee() {
    assertEquals("""
        ATTRIBUTE          VALUE
        Username           admin
        Groups             [system:masters system:authenticated]
        Authenticated by   token
        """, skiff.run("auth", "whoami").out());
  }

  @Test
  void refusalsComeWithAHint() {
    Skiff.Result unauthenticated = skiff.run("auth", "whoami", "--token", "bad000.00000000000000000000000000000000");
    assertEquals(1, unauthenticated.code());
    assertTrue(unauthenticated.err().startsWith("error: the masters did not accept this client's credentials: "
        + "invalid credentials (give a client certificate or a token"), unauthenticated.err());
    assertFalse(unauthenticated.err().contains("bad000.000"), "no token in errors");

    Skiff.Result denied = skiff.run("token", "revoke", "denied");
    assertTrue(denied.err().startsWith("error: user \"admin\" cannot delete tokens (cluster-scoped) (a cluster admin "
        + "can grant a role"), denied.err());
  }

  @Test
  void aMasterThatCannotShowTheConfiguredCaIsNotTrusted() throws Exception {
    Path otherCa = home.resolve("other/ca.crt");
    Pem.writePublic(otherCa, Pem.encode(CertificateAuthority.create("other").certificate()));
    Skiff.Result result = skiff.run("auth", "whoami", "--ca-file", otherCa.toString());
    assertEquals(1, result.code());
    assertTrue(result.err().startsWith("error: no TLS connection to the masters (tried 127.0.0.1:" + master.getPort()
        + "): "), result.err());
  }

  /** Auth as a master would answer the admin: a token for "admin", a certificate from the test CA. */
  private final class FakeAuth extends AuthGrpc.AuthImplBase {
    private boolean refused(StreamObserver<?> answer) {
      String header = AUTHORIZATION.get();
      if (header != null && !header.equals("Bearer " + TOKEN)) {
        answer.onError(Status.UNAUTHENTICATED.withDescription("invalid credentials").asRuntimeException());
        return true;
      }
      return false;
    }

    @Override
    public void createToken(CreateTokenRequest request, StreamObserver<CreateTokenResponse> answer) {
      received.add(request);
      answer.onNext(CreateTokenResponse.newBuilder().setBearer(NEW_SECRET).setCaCertHash(ca.hash())
          .setToken(Token.newBuilder().setId("tok123").setPurpose(request.getPurpose()).setUser(request.getUser()))
          .build());
      answer.onCompleted();
    }

    @Override
    public void listTokens(ListTokensRequest request, StreamObserver<ListTokensResponse> answer) {
      answer.onNext(ListTokensResponse.newBuilder()
          .addTokens(Token.newBuilder().setId("tok123").setPurpose("user").setUser("bob").addGroups("dev")
              .setDescription("laptop"))
          .addTokens(Token.newBuilder().setId("joi456").setPurpose("join-agent")
              .setExpires(Timestamp.newBuilder().setSeconds(1767323045)))
          .build());
      answer.onCompleted();
    }

    @Override
    public void revokeToken(RevokeTokenRequest request, StreamObserver<Token> answer) {
      received.add(request);
      if (request.getId().equals("denied")) {
        answer.onError(Status.PERMISSION_DENIED.withDescription("user \"admin\" cannot delete tokens (cluster-scoped)")
            .asRuntimeException());
        return;
      }
      answer.onNext(Token.newBuilder().setId(request.getId()).build());
      answer.onCompleted();
    }

    @Override
    public void issueCertificate(IssueCertificateRequest request, StreamObserver<IssueCertificateResponse> answer) {
      X509Certificate certificate = ca.sign(Pem.certificationRequest(request.getCsrPem()),
          CertificateSpec.client(request.getUser(), request.getGroupsList(), Duration.ofDays(1)));
      answer.onNext(IssueCertificateResponse.newBuilder().setCertificatePem(Pem.encode(certificate))
          .setCaPem(Pem.encode(ca.certificate())).build());
      answer.onCompleted();
    }

    @Override
    public void whoAmI(WhoAmIRequest request, StreamObserver<WhoAmIResponse> answer) {
      if (refused(answer)) {
        return;
      }
      answer.onNext(WhoAmIResponse.newBuilder().setUser("admin").addGroups("system:masters")
          .addGroups("system:authenticated").setAuthenticatedBy(AUTHORIZATION.get() == null ? "certificate" : "token")
          .build());
      answer.onCompleted();
    }
  }
}
