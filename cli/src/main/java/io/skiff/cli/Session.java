package io.skiff.cli;

import com.google.protobuf.Message;
import io.grpc.ManagedChannel;
import io.skiff.api.v1.AuthGrpc;
import io.skiff.api.v1.ClusterGrpc;
import io.skiff.client.Credentials;
import io.skiff.client.Endpoints;
import io.skiff.client.MasterChannels;
import io.skiff.client.ResourceClient;
import io.skiff.client.ResourceType;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Where this run talks to: the masters' endpoints, the credentials, the
 * namespace meant when none is named, and the per-call timeout. The channel
 * (one over every master, with failover) is opened on first use, so commands
 * that never call a master never pay for it, nor fail for want of credentials.
 * Closed once, when the run ends.
 */
public final class Session implements AutoCloseable {
  private final List<InetSocketAddress> endpoints;
  private final String namespace;
  private final Duration timeout;
  /** Chosen on first use: CliException when the flags and context do not say how to connect. */
  private final Supplier<Credentials> credentials;
  private ManagedChannel channel;

  public Session(List<InetSocketAddress> endpoints, String namespace, Duration timeout,
      Supplier<Credentials> credentials) {
    this.endpoints = List.copyOf(endpoints);
    this.namespace = namespace;
    this.timeout = timeout;
    this.credentials = credentials;
  }

  public List<InetSocketAddress> endpoints() {
    return endpoints;
  }

  /** "host:port, host:port", for messages. */
  public String endpointsText() {
    return Endpoints.format(endpoints).replace(",", ", ");
  }

  public String namespace() {
    return namespace;
  }

  public Duration timeout() {
    return timeout;
  }

  public synchronized ManagedChannel channel() {
    if (channel == null) {
      try {
        channel = MasterChannels.open(endpoints, credentials.get());
      } catch (IllegalArgumentException e) {
        throw new CliException(e.getMessage(), e);
      }
    }
    return channel;
  }

  public <T extends Message> ResourceClient<T> client(ResourceType<T> type) {
    return new ResourceClient<>(channel(), type, timeout.toMillis());
  }

  public AuthGrpc.AuthBlockingStub auth() {
    return AuthGrpc.newBlockingStub(channel()).withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  public ClusterGrpc.ClusterBlockingStub cluster() {
    return ClusterGrpc.newBlockingStub(channel()).withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public synchronized void close() {
    if (channel != null) {
      channel.shutdownNow();
      channel = null;
    }
  }
}
