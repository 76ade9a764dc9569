package io.skiff.agent;

import com.google.inject.Inject;
import com.google.inject.Singleton;
import io.grpc.Channel;
import io.grpc.ManagedChannel;
import io.skiff.api.v1.Event;
import io.skiff.api.v1.Lease;
import io.skiff.api.v1.Node;
import io.skiff.api.v1.Pod;
import io.skiff.client.MasterChannels;
import io.skiff.client.ResourceClient;
import io.skiff.client.ResourceTypes;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The agent's way to the masters: one channel over all of them (failover and retries are the
 * channel's) and the typed clients of the kinds it reads and writes. An agent process opens a
 * channel of its own; the hollow nodes of one JVM share one ({@link #over}). The channel connects
 * lazily, so building this does no I/O. Thread-safe.
 */
@Singleton
public final class MasterApi implements AutoCloseable {
  /** The channel when this opened it, and so closes it; null when it is shared. */
  private final ManagedChannel owned;
  private final ResourceClient<Pod> pods;
  private final ResourceClient<Node> nodes;
  private final ResourceClient<Lease> leases;
  private final ResourceClient<Event> events;

  /** Opens a channel of its own to the configured masters, with the node's credentials. */
  @Inject
  public MasterApi(AgentConfig config) {
    this(MasterChannels.open(config.masters(), config.security().credentials()), config.requestTimeout(), true);
  }

  private MasterApi(Channel channel, Duration requestTimeout, boolean owns) {
    this.owned = owns ? (ManagedChannel) channel : null;
    long timeout = requestTimeout.toMillis();
    this.pods = new ResourceClient<>(channel, ResourceTypes.PODS, timeout);
    this.nodes = new ResourceClient<>(channel, ResourceTypes.NODES, timeout);
    this.leases = new ResourceClient<>(channel, ResourceTypes.LEASES, timeout);
    this.events = new ResourceClient<>(channel, ResourceTypes.EVENTS, timeout);
  }

  /** Calls over a channel that others share: closing this leaves it open, for whoever opened it to close. */
  public static MasterApi over(Channel shared, Duration requestTimeout) {
    return new MasterApi(shared, requestTimeout, false);
  }

  public ResourceClient<Pod> pods() {
    return pods;
  }

  public ResourceClient<Node> nodes() {
    return nodes;
  }

  public ResourceClient<Lease> leases() {
    return leases;
  }

  public ResourceClient<Event> events() {
    return events;
  }

  @Override
  public void close() throws InterruptedException {
    if (owned != null) {
      owned.shutdownNow();
      owned.awaitTermination(5, TimeUnit.SECONDS);
    }
  }
}
