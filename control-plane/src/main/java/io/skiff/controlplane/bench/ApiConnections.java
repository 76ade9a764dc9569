package io.skiff.controlplane.bench;

import io.grpc.Channel;
import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.skiff.api.v1.Namespace;
import io.skiff.api.v1.NamespacesGrpc;
import io.skiff.api.v1.ObjectMeta;
import io.skiff.store.PeerSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The channels a benchmark client opens to the masters' APIs, closed together when it exits, and
 * the setup every benchmark needs around them: waiting until the APIs serve, namespaces to write in,
 * names no earlier run used. Not thread-safe: the client's main thread opens and closes channels.
 */
final class ApiConnections implements AutoCloseable {
  private final List<ManagedChannel> opened = new ArrayList<>();
  private final ChannelSecurity security;

  /** Channels that reach the masters as {@code security} says (plaintext, TLS, a bearer token). */
  ApiConnections(ChannelSecurity security) {
    this.security = security;
  }

  ChannelSecurity security() {
    return security;
  }

  /** {@code count} channels, channel i to API i mod n, each connected (30 s at most). */
  List<ManagedChannel> connect(List<String> apis, int count) throws InterruptedException {
    return connect(apis, count, security);
  }

  /** As {@link #connect(List, int)}, with other credentials than the client's own. */
  List<ManagedChannel> connect(List<String> apis, int count, ChannelSecurity with) throws InterruptedException {
    List<ManagedChannel> channels = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      channels.add(open(apis.get(i % apis.size()), with));
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    for (ManagedChannel channel : channels) {
      while (channel.getState(true) != ConnectivityState.READY) {
        if (System.nanoTime() - deadline > 0) {
          throw new IllegalArgumentException("could not connect to " + channel.authority());
        }
        TimeUnit.MILLISECONDS.sleep(20);
      }
    }
    return channels;
  }

  /** Waits until every API answers grpc.health.v1 Check with SERVING; false if one did not within the bound. */
  boolean awaitServing(List<String> apis, double maxSeconds) throws InterruptedException {
    long deadline = System.nanoTime() + (long) (maxSeconds * 1e9);
    for (String api : apis) {
      HealthGrpc.HealthBlockingStub health = HealthGrpc.newBlockingStub(open(api, security));
      while (!serving(health)) {
        if (System.nanoTime() - deadline > 0) {
          System.err.printf(Locale.ROOT, "%s not serving within %.0f s%n", api, maxSeconds);
          return false;
        }
        TimeUnit.MILLISECONDS.sleep(250);
      }
    }
    return true;
  }

  private static boolean serving(HealthGrpc.HealthBlockingStub health) {
    try {
      return health.withDeadlineAfter(2, TimeUnit.SECONDS).check(HealthCheckRequest.getDefaultInstance()).getStatus()
          == HealthCheckResponse.ServingStatus.SERVING;
    } catch (StatusRuntimeException notYet) {
      return false;
    }
  }

  /** Creates the namespace unless it exists; returns its name. */
  static String ensureNamespace(Channel channel, String name, long timeoutMs) {
    try {
      NamespacesGrpc.newBlockingStub(channel).withDeadlineAfter(timeoutMs, TimeUnit.MILLISECONDS)
          .create(Namespace.newBuilder().setMetadata(ObjectMeta.newBuilder().setName(name)).build());
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() != Status.Code.ALREADY_EXISTS) {
        throw e;
      }
    }
    return name;
  }

  /** A prefix no earlier run used: the label and the time, as a DNS label. */
  static String runId(String label) {
    String base = label.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-");
    return base + "-" + Long.toString(System.currentTimeMillis() % 1_000_000_000L, 36);
  }

  @Override
  public void close() {
    opened.forEach(ManagedChannel::shutdownNow);
    opened.clear();
  }

  /** A new channel to {@code api}, not yet connected; closed with the others. */
  ManagedChannel open(String api, ChannelSecurity with) {
    NettyChannelBuilder builder = NettyChannelBuilder.forAddress(PeerSpec.host(api), PeerSpec.port(api));
    with.apply(builder);
    ManagedChannel channel = builder
        .directExecutor()
        // measure the server, not client-side retry buffering
        .disableRetry()
        .maxInboundMessageSize(64 << 20)
        .build();
    opened.add(channel);
    return channel;
  }
}
