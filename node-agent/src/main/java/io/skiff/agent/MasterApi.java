package io.skiff.agent;

import com.google.inject.Inject;
import com.google.inject.Singleton;
import io.grpc.ManagedChannel;
import io.skiff.api.v1.Lease;
import io.skiff.api.v1.Node;
import io.skiff.api.v1.Pod;
import io.skiff.client.MasterChannels;
import io.skiff.client.ResourceClient;
import io.skiff.client.ResourceTypes;
import java.util.concurrent.TimeUnit;

/**
 * The agent's way to the masters: one channel over all of them (failover and retries are the
 * channel's) and the typed clients of the kinds it reads and writes. The channel connects lazily,
 * so building this does no I/O. Thread-safe.
 */
@Singleton
public final class MasterApi implements AutoCloseable {
  private final ManagedChannel channel;
  private final ResourceClient<Pod> pods;
  private final ResourceClient<Node> nodes;
  private final ResourceClient<Lease> leases;

  @Inject
  public MasterApi(AgentConfig config) {
    this.channel = MasterChannels.open(config.masters());
    long timeout = config.requestTimeout().toMillis();
    this.pods = new ResourceClient<>(channel, ResourceTypes.PODS, timeout);
    this.nodes = new ResourceClient<>(channel, ResourceTypes.NODES, timeout);
    this.leases = new ResourceClient<>(channel, ResourceTypes.LEASES, timeout);
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

  @Override
  public void close() throws InterruptedException {
    channel.shutdownNow();
    channel.awaitTermination(5, TimeUnit.SECONDS);
  }
}
