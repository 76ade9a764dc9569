package io.skiff.e2e;

import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.skiff.api.v1.ClusterGrpc;
import io.skiff.api.v1.Lease;
import io.skiff.api.v1.Member;
import io.skiff.api.v1.MembersRequest;
import io.skiff.api.v1.MembersResponse;
import io.skiff.client.Endpoints;
import io.skiff.client.MasterChannels;
import io.skiff.client.ResourceClient;
import io.skiff.client.ResourceTypes;
import io.skiff.controlplane.process.MasterProcess;
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

  /** A channel over every master, as the client library opens it (fails over, retries UNAVAILABLE). */
  ManagedChannel channel() {
    return keep(MasterChannels.openInsecure(Endpoints.parse(endpoints())));
  }

  /** A channel to {@code master} alone. */
  ManagedChannel channelTo(MasterProcess master) {
    return keep(NettyChannelBuilder.forTarget(master.apiTarget()).usePlaintext().build());
  }

  MasterProcess byId(String id) {
    return masters.stream().filter(m -> m.id().equals(id)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no master " + id));
  }

  /** Cluster/Members as {@code master} answers it. */
  MembersResponse members(MasterProcess master) {
    ManagedChannel channel = NettyChannelBuilder.forTarget(master.apiTarget()).usePlaintext().build();
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
    ManagedChannel channel = NettyChannelBuilder.forTarget(via.apiTarget()).usePlaintext().build();
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
