package io.skiff.controlplane.api;

import static io.skiff.controlplane.api.ApiTesting.assertRefused;
import static io.skiff.controlplane.api.ApiTesting.get;
import static io.skiff.controlplane.api.ApiTesting.modRevision;
import static io.skiff.controlplane.api.ApiTesting.namespaces;
import static io.skiff.controlplane.api.ApiTesting.nodes;
import static io.skiff.controlplane.api.ApiTesting.pod;
import static io.skiff.controlplane.api.ApiTesting.podKey;
import static io.skiff.controlplane.api.ApiTesting.pods;
import static io.skiff.controlplane.api.ApiTesting.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.ByteString;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.skiff.api.v1.ClusterGrpc;
import io.skiff.api.v1.ClusterRoleBinding;
import io.skiff.api.v1.ClusterRoleBindingsGrpc;
import io.skiff.api.v1.DeleteRequest;
import io.skiff.api.v1.ListRequest;
import io.skiff.api.v1.MembersRequest;
import io.skiff.api.v1.Namespace;
import io.skiff.api.v1.ObjectMeta;
import io.skiff.api.v1.Pod;
import io.skiff.api.v1.PodStatus;
import io.skiff.api.v1.RoleBinding;
import io.skiff.api.v1.RoleBindingsGrpc;
import io.skiff.api.v1.SnapshotRequest;
import io.skiff.api.v1.StoredToken;
import io.skiff.api.v1.Subject;
import io.skiff.api.v1.Token;
import io.skiff.controlplane.auth.AuthInterceptor;
import io.skiff.controlplane.auth.Authenticator;
import io.skiff.controlplane.auth.BearerToken;
import io.skiff.controlplane.auth.Identity;
import io.skiff.controlplane.testing.Eventually;
import io.skiff.controlplane.testing.MasterCluster;
import io.skiff.pki.CertificateAuthority;
import io.skiff.pki.CertificateSpec;
import io.skiff.pki.PkiDirectory;
import io.skiff.pki.TlsFiles;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A secure master over real TLS: users with client certificates from the cluster CA and users with
 * bearer tokens, in each role, are allowed and refused as docs/security.md says, and a refusal
 * writes nothing; no credentials, a foreign CA, plaintext, or a server the client does not trust
 * get nowhere. Tokens come from an in-memory lookup (the store's token cache lives elsewhere).
 */
class SecureApiTest {
  @TempDir
  static Path dir;
  static MasterCluster cluster;
  static CertificateAuthority ca;
  static final Map<String, StoredToken> TOKENS = new ConcurrentHashMap<>();
  static final List<ManagedChannel> OPENED = new ArrayList<>();
  static final AtomicInteger TOKEN_IDS = new AtomicInteger(60_466_176);  // 36^5: six base-36 digits
  static String team;

  @BeforeAll
  static void start() throws Exception {
    // with its controllers, which reach the API over TLS as the master
    cluster = MasterCluster.start(1, dir.resolve("data"), c -> MasterCluster.controllers(Duration.ofSeconds(3),
        Duration.ofSeconds(40), Duration.ofMinutes(5)).apply(MasterCluster.secure(dir.resolve("pki")).apply(c)),
        id -> Optional.ofNullable(TOKENS.get(id)));
    ca = cluster.pki().orElseThrow().loadCa();
    Channel admin = cluster.channel(0);
    team = unique("team");
    for (String ns : List.of(team, team + "-other")) {
      namespaces(admin).create(Namespace.newBuilder().setMetadata(ObjectMeta.newBuilder().setName(ns)).build());
    }
    // the nodes the tests' pods are bound to (the controllers delete pods of nodes that do not exist)
    for (String node : List.of("n1", "n2", "n9")) {
      nodes(admin).create(io.skiff.api.v1.Node.newBuilder().setMetadata(ObjectMeta.newBuilder().setName(node)).build());
    }
    ClusterRoleBindingsGrpc.newBlockingStub(admin).create(ClusterRoleBinding.newBuilder()
        .setMetadata(ObjectMeta.newBuilder().setName("admins")).setRole("cluster-admin")
        .addSubjects(user("crb-admin")).addSubjects(group("admins")).build());
    for (String role : List.of("edit", "view")) {
      RoleBindingsGrpc.newBlockingStub(admin).create(RoleBinding.newBuilder()
          .setMetadata(ObjectMeta.newBuilder().setNamespace(team).setName(role + "ers")).setRole(role)
          .addSubjects(user(role + "-user")).build());
    }
  }

  @AfterAll
  static void stop() throws Exception {
    OPENED.forEach(ManagedChannel::shutdownNow);
    cluster.close();
  }

  // ---- credentials ----

  /** A channel with a client certificate for {@code user} in {@code groups}, issued by {@code issuer}. */
  static Channel withCertificate(String user, List<String> groups, CertificateAuthority issuer) throws Exception {
    PkiDirectory mine = new PkiDirectory(dir.resolve("users").resolve(unique(user)));
    CertificateAuthority.Issued issued = issuer.issue(CertificateSpec.client(user, groups, Duration.ofDays(1)));
    mine.install("client", issued.certificate(), issued.key());
    mine.installCa(ca.certificate());
    return open(mine.files("client"));
  }

  /** A channel with a bearer token for {@code user} (a fresh one, known to the master's lookup). */
  static Channel withToken(String user, List<String> groups) {
    String id = Integer.toString(TOKEN_IDS.incrementAndGet(), 36);
    String secret = "s".repeat(32 - id.length()) + id;
    TOKENS.put(id, StoredToken.newBuilder().setToken(Token.newBuilder().setId(id).setPurpose("user").setUser(user)
        .addAllGroups(groups)).setSecretSha256(ByteString.copyFrom(new BearerToken(id, secret).secretSha256())).build());
    return bearer(trustingCa(), id + "." + secret);
  }

  static Channel bearer(Channel channel, String value) {
    Metadata headers = new Metadata();
    headers.put(Authenticator.AUTHORIZATION, "Bearer " + value);
    return ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(headers));
  }

  /** TLS trusting the cluster CA, no credentials. */
  static Channel trustingCa() {
    return open(cluster.pki().orElseThrow().trustOnly());
  }

  static ManagedChannel open(TlsFiles files) {
    ManagedChannel channel = PeerChannels.tls(files).open("127.0.0.1", cluster.apiPort(0));
    OPENED.add(channel);
    return channel;
  }

  static Subject user(String name) {
    return Subject.newBuilder().setKind("User").setName(name).build();
  }

  static Subject group(String name) {
    return Subject.newBuilder().setKind("Group").setName(name).build();
  }

  // ---- roles ----

  /** Every role, each with a certificate and with a token. */
  @Test
  void eachRoleIsAllowedAndRefusedAsDesigned() throws Exception {
    awaitBindings();
    record Who(String label, Channel channel, boolean admin, boolean edit, boolean view) {
    }
    List<Who> callers = new ArrayList<>();
    for (String how : List.of("certificate", "token")) {
      boolean cert = how.equals("certificate");
      callers.add(new Who("cluster-admin by binding (" + how + ")", cert
          ? withCertificate("crb-admin", List.of(), ca) : withToken("crb-admin", List.of()), true, true, true));
      callers.add(new Who("cluster-admin by group (" + how + ")", cert
          ? withCertificate("ann", List.of("admins"), ca) : withToken("ann", List.of("admins")), true, true, true));
      callers.add(new Who("edit (" + how + ")", cert
          ? withCertificate("edit-user", List.of(), ca) : withToken("edit-user", List.of()), false, true, true));
      callers.add(new Who("view (" + how + ")", cert
          ? withCertificate("view-user", List.of(), ca) : withToken("view-user", List.of()), false, false, true));
      callers.add(new Who("no binding (" + how + ")", cert
          ? withCertificate("nobody", List.of(), ca) : withToken("nobody", List.of()), false, false, false));
    }
    String existing = unique("existing");
    pods(cluster.channel(0)).create(bound(team, existing, "n9"));
    for (Who who : callers) {
      String name = unique("web");
      // create in the namespace of the binding
      if (who.edit()) {
        pods(who.channel()).create(pod(team, name).build());
      } else {
        refusedWritingNothing(who.label(), team, name, () -> pods(who.channel()).create(pod(team, name).build()),
            "cannot create pods in namespace \"" + team + "\"");
        assertEquals(0, modRevision(cluster.master(0), podKey(team, name)), who.label());
      }
      // read
      if (who.view()) {
        assertEquals(existing, pods(who.channel()).get(get(team, existing)).getMetadata().getName());
      } else {
        assertRefused(who.label(), Status.Code.PERMISSION_DENIED, () -> pods(who.channel()).get(get(team, existing)),
            "cannot get pods in namespace \"" + team + "\"");
      }
      // another namespace, every namespace, cluster-scoped kinds, cluster administration: cluster-admin only
      String other = team + "-other";
      if (who.admin()) {
        pods(who.channel()).create(pod(other, name).build());
        pods(who.channel()).list(ListRequest.getDefaultInstance());
        nodes(who.channel()).list(ListRequest.getDefaultInstance());
      } else {
        refusedWritingNothing(who.label(), other, name, () -> pods(who.channel()).create(pod(other, name).build()),
            "cannot create pods in namespace \"" + other + "\"");
        assertRefused(who.label(), Status.Code.PERMISSION_DENIED,
            () -> pods(who.channel()).list(ListRequest.getDefaultInstance()), "cannot list pods in all namespaces");
        assertRefused(who.label(), Status.Code.PERMISSION_DENIED,
            () -> nodes(who.channel()).list(ListRequest.getDefaultInstance()), "cannot list nodes (cluster-scoped)");
        assertRefused(who.label(), Status.Code.PERMISSION_DENIED,
            () -> ClusterGrpc.newBlockingStub(who.channel()).snapshot(SnapshotRequest.getDefaultInstance()).next(),
            "cannot call skiff.api.v1.Cluster/Snapshot");
      }
      // any authenticated caller
      ClusterGrpc.newBlockingStub(who.channel()).members(MembersRequest.getDefaultInstance());
      // delete: edit and up
      if (who.edit()) {
        pods(who.channel()).delete(DeleteRequest.newBuilder().setNamespace(team).setName(name).build());
      } else {
        refusedWritingNothing(who.label(), team, existing, () -> pods(who.channel()).delete(DeleteRequest.newBuilder()
            .setNamespace(team).setName(existing).build()), "cannot delete pods in namespace \"" + team + "\"");
      }
    }
  }

  /** Waits until the bindings made at start have reached the master's index. */
  private static void awaitBindings() throws Exception {
    Channel viewer = withCertificate("view-user", List.of(), ca);
    Eventually.await(() -> {
      try {
        pods(viewer).list(ListRequest.newBuilder().setNamespace(team).build());
        return true;
      } catch (io.grpc.StatusRuntimeException e) {
        return false;
      }
    }, "the view binding to reach the master");
  }

  /** Refused, and the pod the call is about is as it was (the controllers write elsewhere meanwhile). */
  private static void refusedWritingNothing(String label, String namespace, String pod,
      org.junit.jupiter.api.function.Executable call, String fragment) {
    long before = modRevision(cluster.master(0), podKey(namespace, pod));
    assertRefused(label, Status.Code.PERMISSION_DENIED, call, fragment);
    assertEquals(before, modRevision(cluster.master(0), podKey(namespace, pod)), label + ": a refused call wrote");
  }

  /** A pod already bound to {@code node}, so that no controller writes it while a test watches it. */
  private static Pod bound(String namespace, String name, String node) {
    return pod(namespace, name).setSpec(pod(namespace, name).getSpec().toBuilder().setNodeName(node)).build();
  }

  @Test
  void theControllersReachTheApiAsTheMaster() {
    Eventually.await(() -> cluster.master(0).controllers().leading(), "the controllers to lead");
    assertEquals(cluster.master(0).controllers().identity(), new io.skiff.client.ResourceClient<>(cluster.channel(0),
        io.skiff.client.ResourceTypes.LEASES, 5_000).get("skiff-system", "skiff-controller-manager").getSpec()
        .getHolderIdentity());
  }

  // ---- who is calling ----

  @Test
  void noCredentialsGetOneAnswerWhetherTheObjectExistsOrNot() {
    String existing = unique("there");
    pods(cluster.channel(0)).create(pod(team, existing).build());
    Channel anonymous = trustingCa();
    Channel wrongToken = bearer(trustingCa(), "abcdef." + "x".repeat(32));
    for (Channel channel : List.of(anonymous, wrongToken)) {
      for (String name : List.of(existing, "not-there")) {
        assertEquals(AuthInterceptor.UNAUTHENTICATED_MESSAGE, assertRefused(Status.Code.UNAUTHENTICATED,
            () -> pods(channel).get(get(team, name))).getStatus().getDescription());
      }
    }
    // expired, revoked, and join tokens are refused the same way
    for (String how : List.of("expired", "revoked", "join-agent")) {
      String user = unique("token-" + how);
      Channel channel = withToken(user, List.of(Identity.MASTERS_GROUP));
      pods(channel).get(get(team, existing));
      String id = TOKENS.entrySet().stream().filter(e -> e.getValue().getToken().getUser().equals(user))
          .map(Map.Entry::getKey).findFirst().orElseThrow();
      StoredToken stored = TOKENS.get(id);
      switch (how) {
        case "expired" -> TOKENS.put(id, stored.toBuilder().setToken(stored.getToken().toBuilder()
            .setExpires(com.google.protobuf.Timestamp.newBuilder().setSeconds(1))).build());
        case "revoked" -> TOKENS.remove(id);
        default -> TOKENS.put(id, stored.toBuilder().setToken(stored.getToken().toBuilder().setPurpose(how)).build());
      }
      assertEquals(AuthInterceptor.UNAUTHENTICATED_MESSAGE, assertRefused(how, Status.Code.UNAUTHENTICATED,
          () -> pods(channel).get(get(team, existing))).getStatus().getDescription());
    }
  }

  /**
   * The server asks for certificates from the cluster CA; a client holding only another CA's
   * certificate sends none (or, if it did, the handshake would fail): either way it is not taken.
   */
  @Test
  void aCertificateFromAnotherCaIsNotTaken() throws Exception {
    Channel foreign = withCertificate("crb-admin", List.of("system:masters"), CertificateAuthority.create("evil-ca"));
    io.grpc.StatusRuntimeException e = org.junit.jupiter.api.Assertions.assertThrows(
        io.grpc.StatusRuntimeException.class, () -> pods(foreign).list(ListRequest.getDefaultInstance()));
    org.junit.jupiter.api.Assertions.assertTrue(Set.of(Status.Code.UNAVAILABLE, Status.Code.UNAUTHENTICATED)
        .contains(e.getStatus().getCode()), e.getStatus().toString());
  }

  @Test
  void aPlaintextClientGetsNowhere() {
    ManagedChannel plaintext = NettyChannelBuilder.forAddress("127.0.0.1", cluster.apiPort(0)).usePlaintext().build();
    OPENED.add(plaintext);
    assertRefused(Status.Code.UNAVAILABLE, () -> pods(plaintext).list(ListRequest.getDefaultInstance()));
  }

  @Test
  void aClientThatTrustsAnotherCaRefusesTheMaster() throws Exception {
    PkiDirectory elsewhere = new PkiDirectory(dir.resolve("elsewhere"));
    elsewhere.ensureCa("elsewhere");
    Channel misled = open(elsewhere.trustOnly());
    assertRefused(Status.Code.UNAVAILABLE, () -> pods(misled).list(ListRequest.getDefaultInstance()));
  }

  // ---- nodes ----

  @Test
  void aNodeChangesOnlyItsOwnPods() throws Exception {
    Channel admin = cluster.channel(0);
    String mine = unique("on-n1");
    String theirs = unique("on-n2");
    pods(admin).create(bound(team, mine, "n1"));
    Pod other = pods(admin).create(bound(team, theirs, "n2"));
    Channel n1 = withCertificate("system:node:n1", List.of("system:nodes"), ca);

    refusedWritingNothing("n1 on n2's pod", team, theirs, () -> pods(n1).updateStatus(other.toBuilder()
        .setStatus(PodStatus.newBuilder().setPhase("Running")).build()), "pod \"" + theirs + "\" is not bound to it");
    refusedWritingNothing("n1 deleting n2's pod", team, theirs, () -> pods(n1).delete(DeleteRequest.newBuilder().setNamespace(team)
        .setName(theirs).build()), "node \"n1\" cannot delete pods in namespace \"" + team + "\"");
    assertRefused(Status.Code.PERMISSION_DENIED, () -> pods(n1).list(ListRequest.getDefaultInstance()),
        "only with field selector spec.nodeName=n1");
    assertRefused(Status.Code.PERMISSION_DENIED, () -> pods(n1).list(ListRequest.newBuilder()
        .setFieldSelector("spec.nodeName=n2").build()));
    assertRefused(Status.Code.PERMISSION_DENIED, () -> pods(n1).watch(io.skiff.api.v1.WatchRequest.getDefaultInstance())
        .hasNext(), "node \"n1\" cannot watch pods in all namespaces");

    List<String> listed = pods(n1).list(ListRequest.newBuilder().setFieldSelector("spec.nodeName=n1").build())
        .getItemsList().stream().map(p -> p.getMetadata().getName()).toList();
    assertEquals(true, listed.contains(mine), listed.toString());
    Pod own = pods(n1).get(get(team, mine));
    Pod running = pods(n1).updateStatus(own.toBuilder().setStatus(PodStatus.newBuilder().setPhase("Running")).build());
    assertEquals("Running", running.getStatus().getPhase());
  }
}
