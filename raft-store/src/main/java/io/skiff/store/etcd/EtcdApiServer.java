package io.skiff.store.etcd;

import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.skiff.store.StoreConfig;
import io.skiff.store.StoreTls;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The etcd v3 gRPC endpoint of a store peer: KV, Watch, Lease, Cluster and
 * Maintenance, plus gRPC health and reflection. Messages larger than the request
 * limit plus etcd's 512 KiB allowance are refused by gRPC itself
 * (RESOURCE_EXHAUSTED); smaller ones over the limit by the store.
 *
 * <p>With TLS in the config ({@link StoreConfig#tls()}), every service, health and reflection
 * included, admits only clients whose certificate is in the config's client groups, as etcd's
 * {@code --client-cert-auth} with a role check; serve it on {@link #serverBuilder}, whose
 * handshake requires a certificate from the trusted CA.
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

  /**
   * A Netty server builder for the client port at {@code address}: with {@code tls}, it serves
   * {@code tls.client()}'s certificate and the handshake requires a client certificate from its
   * trusted CA; null: plaintext. Handlers never block (they complete futures), so they run on the
   * transport threads.
   */
  public static NettyServerBuilder serverBuilder(InetSocketAddress address, StoreTls tls) {
    NettyServerBuilder builder = NettyServerBuilder.forAddress(address).directExecutor();
    return tls == null ? builder : builder.sslContext(tls.client().forServer(true));
  }

  /**
   * Starts serving on {@code builder}: {@link #serverBuilder} on the client address, or an in-process
   * one in tests.
   */
  public void start(ServerBuilder<?> builder) throws IOException {
    GrpcLogging.shortenCallFailures();
    HealthStatusManager health = new HealthStatusManager();
    for (BindableService service : new BindableService[] {kv, watch, lease, cluster, maintenance,
        health.getHealthService(), ProtoReflectionServiceV1.newInstance()}) {
      builder.addService(checked(service));
    }
    server = builder
        .maxInboundMessageSize(config.maxRequestBytes() + GRPC_OVERHEAD_BYTES)
        .build()
        .start();
    log.info("etcd API serving on {} ({})", server.getListenSockets(), config.tls() == null
        ? "plaintext, no client authentication"
        : "TLS, client certificates of group " + String.join(" or ", config.tls().clientGroups()));
  }

  /** The service behind the client certificate check when the store has TLS. */
  private ServerServiceDefinition checked(BindableService service) {
    return config.tls() == null ? service.bindService()
        : ServerInterceptors.intercept(service, new ClientCertificateCheck(config.tls().clientGroups()));
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
