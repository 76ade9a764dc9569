package io.skiff.e2e;

import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.skiff.api.v1.AuthGrpc;
import io.skiff.api.v1.ClusterGrpc;
import io.skiff.api.v1.CreateTokenRequest;
import io.skiff.api.v1.CreateTokenResponse;
import io.skiff.api.v1.Lease;
import io.skiff.api.v1.Member;
import io.skiff.api.v1.MembersRequest;
import io.skiff.api.v1.MembersResponse;
import io.skiff.api.v1.WhoAmIRequest;
import io.skiff.api.v1.WhoAmIResponse;
import io.skiff.client.Credentials;
import io.skiff.client.Endpoints;
import io.skiff.client.MasterChannels;
import io.skiff.client.ResourceClient;
import io.skiff.client.ResourceTypes;
import io.skiff.controlplane.process.MasterProcess;
import io.skiff.pki.CertificateAuthority;
import io.skiff.pki.CertificateSpec;
import io.skiff.pki.PkiDirectory;
import io.skiff.pki.TlsFiles;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Master processes (three, unless a test needs fewer) and what the tests ask of them as a whole:
 * which one leads the store (Cluster/Members) and which one holds the controllers' Lease, each
 * master's store revision, and channels over all of them (as a client configured with every
 * endpoint) or to one. Channels it opens are closed with it. Not thread-safe: the test's thread
 * drives it.
 */
final class MasterSet implements AutoCloseable {
  static final String CONTROLLER_LEASE_NAMESPACE = "skiff-system";
  static final String CONTROLLER_LEASE = "skiff-controller-manager";
  /** Ask one master at a time; a stopped one must not hang the test. */
  private static final long CALL_TIMEOUT_MILLIS = 3_000;
  private static final Duration PATIENCE = Duration.ofSeconds(60);

  final List<MasterProcess> masters;
  private final List<ManagedChannel> channels = new ArrayList<>();

  private MasterSet(List<MasterProcess> masters) {
    this.masters = masters;
  }

  /** Three masters, each given {@code flags}, all serving on return. */
  static MasterSet start(String label, List<String> flags) {
    return start(label, 3, flags);
  }

  /** {@code size} masters, each given {@code flags}, all serving on return. */
  static MasterSet start(String label, int size, List<String> flags) {
    return new MasterSet(MasterProcess.startCluster(label, size, MasterProcess.TEST_JVM_OPTIONS, flags));
  }

  /** Every API endpoint, "host:port,...", as a client's configuration lists them. */
  String endpoints() {
    return masters.stream().map(MasterProcess::apiTarget).collect(Collectors.joining(","));
  }

  /** The administrator's certificate (group system:masters) and the cluster CA. */
  TlsFiles adminFiles() {
    return masters.get(0).adminFiles();
  }

  /** The administrator's credentials: what the tests call with unless they are about who calls. */
  Credentials admin() {
    return masters.get(0).adminCredentials();
  }

  /** Credentials of a user's bearer token ("ID.SECRET"), over TLS trusting the cluster CA. */
  Credentials token(String bearer) {
    return Credentials.tls(masters.get(0).pki().trustOnly()).withToken(bearer);
  }

  /** A channel over every master as the administrator, as the client library opens it (fails over, retries UNAVAILABLE). */
  ManagedChannel channel() {
    return channel(admin());
  }

  /** A channel over every master with {@code credentials}. */
  ManagedChannel channel(Credentials credentials) {
    return keep(MasterChannels.open(Endpoints.parse(endpoints()), credentials));
  }

  /** A channel to {@code master} alone, as the administrator. */
  ManagedChannel channelTo(MasterProcess master) {
    return keep(master.channel());
  }

  /** A channel to {@code master} alone with {@code credentials}. */
  ManagedChannel channelTo(MasterProcess master, Credentials credentials) {
    return keep(master.channel(credentials));
  }

  /** Auth/CreateToken as the administrator, through {@code via}. */
  CreateTokenResponse createToken(MasterProcess via, CreateTokenRequest request) {
    return AuthGrpc.newBlockingStub(channelTo(via)).withDeadlineAfter(30, TimeUnit.SECONDS).createToken(request);
  }

  /** A bearer token ("ID.SECRET") for {@code user}, created through {@code via}. */
  String userToken(MasterProcess via, String user) {
    return createToken(via, CreateTokenRequest.newBuilder().setPurpose("user").setUser(user)
        .setDescription("e2e test user").build()).getBearer();
  }

  /** A bearer token ("ID.SECRET") for {@code user}, created through any master (as a client fails over). */
  String userToken(String user) {
    return AuthGrpc.newBlockingStub(channel()).withDeadlineAfter(30, TimeUnit.SECONDS).createToken(
        CreateTokenRequest.newBuilder().setPurpose("user").setUser(user).setDescription("e2e test user").build())
        .getBearer();
  }

  /**
   * Waits until every running master takes {@code credentials} (Auth/WhoAmI answers): each master learns
   * of a new token from its own watch of the store, a moment after the token is written.
   */
  void awaitAcceptedEverywhere(Credentials credentials) {
    for (MasterProcess master : masters) {
      if (master.isAlive()) {
        await(master.id() + " takes " + credentials).atMost(PATIENCE).pollInterval(Duration.ofMillis(100))
            .ignoreException(StatusRuntimeException.class)
            .until(() -> whoAmI(master, credentials) != null);
      }
    }
  }

  /** Auth/WhoAmI on {@code master} alone with {@code credentials}. */
  WhoAmIResponse whoAmI(MasterProcess master, Credentials credentials) {
    ManagedChannel channel = master.channel(credentials);
    try {
      return AuthGrpc.newBlockingStub(channel).withDeadlineAfter(CALL_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)
          .whoAmI(WhoAmIRequest.getDefaultInstance());
    } finally {
      channel.shutdownNow();
    }
  }

  /**
   * Makes {@code certDir} an agent's cert dir for node {@code node}, as an administrator provisions
   * one: {@code node.crt}/{@code node.key} (CN system:node:NODE, O system:nodes) issued by the cluster CA,
   * and {@code ca.crt}. For agents that do not join with a token.
   */
  Path provisionNode(String node, Path certDir) throws IOException {
    CertificateAuthority ca = masters.get(0).pki().loadCa();
    PkiDirectory dir = new PkiDirectory(certDir);
    dir.ensure("node", CertificateSpec.peer("system:node:" + node, List.of("system:nodes"),
        List.of("127.0.0.1", "localhost", InetAddress.getLocalHost().getHostName()), CertificateSpec.DEFAULT_VALIDITY),
        ca);
    dir.installCa(ca.certificate());
    return certDir;
  }

  MasterProcess byId(String id) {
    return masters.stream().filter(m -> m.id().equals(id)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no master " + id));
  }

  /** Cluster/Members as {@code master} answers it. */
  MembersResponse members(MasterProcess master) {
    ManagedChannel channel = master.channel();
    try {
      return ClusterGrpc.newBlockingStub(channel).withDeadlineAfter(CALL_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)
          .members(MembersRequest.getDefaultInstance());
    } finally {
      channel.shutdownNow();
    }
  }

  /** The master that leads the store's Raft group, as the running masters agree (waits for one). */
  MasterProcess storeLeader() {
    String id = await("a store leader").atMost(PATIENCE).pollInterval(Duration.ofMillis(100))
        .ignoreException(StatusRuntimeException.class)
        .until(() -> {
          String leader = null;
          for (MasterProcess master : masters) {
            if (!master.isAlive()) {
              continue;
            }
            String seen = members(master).getLeader();
            if (seen.isEmpty() || (leader != null && !leader.equals(seen))) {
              return null;
            }
            leader = seen;
          }
          return leader != null && byId(leader).isAlive() ? leader : null;
        }, id2 -> id2 != null);
    return byId(id);
  }

  /** The holder of the controllers' Lease, read from {@code via}; empty when nobody holds it. */
  String leaseHolder(MasterProcess via) {
    return controllerLease(via).getSpec().getHolderIdentity();
  }

  /** The controllers' Lease, read from {@code via}. */
  Lease controllerLease(MasterProcess via) {
    ManagedChannel channel = via.channel();
    try {
      return new ResourceClient<>(channel, ResourceTypes.LEASES, CALL_TIMEOUT_MILLIS)
          .get(CONTROLLER_LEASE_NAMESPACE, CONTROLLER_LEASE);
    } finally {
      channel.shutdownNow();
    }
  }

  /** The master whose identity holds the controllers' Lease (identities are "ID-..."), waiting for one. */
  MasterProcess leaseHoldingMaster(MasterProcess via) {
    String holder = await("a holder of the controllers' lease").atMost(PATIENCE)
        .pollInterval(Duration.ofMillis(100)).ignoreException(StatusRuntimeException.class)
        .until(() -> leaseHolder(via), h -> !h.isEmpty());
    return masterOf(holder);
  }

  MasterProcess masterOf(String holderIdentity) {
    return masters.stream().filter(m -> holderIdentity.startsWith(m.id() + "-")).findFirst()
        .orElseThrow(() -> new IllegalStateException("lease holder " + holderIdentity + " is none of the masters"));
  }

  /** {@code member}'s store revision as {@code via} reports it in Cluster/Members (-1 if unhealthy). */
  long revisionOf(MasterProcess member, MasterProcess via) {
    for (Member m : members(via).getMembersList()) {
      if (m.getId().equals(member.id())) {
        return m.getHealthy() ? m.getRevision() : -1;
      }
    }
    throw new IllegalStateException("no member " + member.id() + " in " + members(via));
  }

  /** Starts again every master that is not running (after a test killed some), waiting until each serves. */
  void restartDead() {
    MasterProcess.restartAll(masters);
  }

  private ManagedChannel keep(ManagedChannel channel) {
    channels.add(channel);
    return channel;
  }

  @Override
  public void close() {
    channels.forEach(ManagedChannel::shutdownNow);
    masters.forEach(MasterProcess::close);
  }
}
