package io.skiff.store.etcd;

import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.skiff.store.StoreConfig;
import jakarta.inject.Inject;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The etcd v3 gRPC endpoint of a store peer: KV, Watch, Lease, Cluster and
 * Maintenance, plus gRPC health and reflection. Messages larger than the request
 * limit plus etcd's 512 KiB allowance are refused by gRPC itself
 * (RESOURCE_EXHAUSTED); smaller ones over the limit by the store.
 */
public final class EtcdApiServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EtcdApiServer.class);
  private static final int GRPC_OVERHEAD_BYTES = 512 * 1024;

  private final StoreConfig config;
  private final KvService kv;
  private final WatchService watch;
  private final LeaseService lease;
  private final ClusterService cluster;
  private final MaintenanceService maintenance;
  private Server server;

  @Inject
  public EtcdApiServer(StoreConfig config, KvService kv, WatchService watch, LeaseService lease,
      ClusterService cluster, MaintenanceService maintenance) {
    this.config = config;
    this.kv = kv;
    this.watch = watch;
    this.lease = lease;
    this.cluster = cluster;
    this.maintenance = maintenance;
  }

  /** Starts serving on {@code builder}: a Netty builder on the client address, or an in-process one in tests. */
  public void start(ServerBuilder<?> builder) throws IOException {
    GrpcLogging.shortenCallFailures();
    HealthStatusManager health = new HealthStatusManager();
    server = builder
        .addService(kv)
        .addService(watch)
        .addService(lease)
        .addService(cluster)
        .addService(maintenance)
        .addService(health.getHealthService())
        .addService(ProtoReflectionServiceV1.newInstance())
        .maxInboundMessageSize(config.maxRequestBytes() + GRPC_OVERHEAD_BYTES)
        .build()
        .start();
    log.info("etcd API serving on {}", server.getListenSockets());
  }

  public int port() {
    return server.getPort();
  }

  @Override
  public void close() throws InterruptedException {
    if (server != null) {
      server.shutdown();
      if (!server.awaitTermination(2, TimeUnit.SECONDS)) {
        server.shutdownNow();
      }
    }
    watch.close();
  }
}
