package io.skiff.controlplane.api;

import com.google.protobuf.Message;
import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.ServerCallHandler;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionService;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.skiff.client.DaemonThreads;
import io.skiff.controlplane.auth.MethodAccess;
import io.skiff.controlplane.kinds.Kinds;
import io.skiff.controlplane.master.ApiResources;
import io.skiff.controlplane.registry.Kind;
import io.skiff.store.raft.StorePeer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Skiff API on one port: a service per kind, server reflection (v1 and
 * v1alpha) and grpc.health.v1, so grpcurl and buf curl work out of the box.
 * Every call is authenticated and authorized (see {@link ApiSecurity}); services
 * written elsewhere (the Auth service) are handed to the constructor.
 */
public final class ApiServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ApiServer.class);
  /** Handlers block on the store; this many may wait at once. */
  private static final int HANDLER_THREADS = 64;
  /** Above the object limit, so an oversized object gets the registry's message naming it. */
  private static final int MAX_MESSAGE_BYTES = 4 << 20;

  private final ApiResources resources;
  private final ApiSecurity security;
  private final ClusterService cluster;
  private final PodLogs podLogs;
  /** Services written elsewhere (the Auth service), added as they are. */
  private final List<BindableService> extraServices;
  private final HealthStatusManager health = new HealthStatusManager();
  private final ExecutorService handlers =
      Executors.newFixedThreadPool(HANDLER_THREADS, DaemonThreads.numbered("api-handler"));
  private Server server;

  public ApiServer(ApiResources resources, StorePeer peer, ApiSecurity security, BindableService... extraServices) {
    this.resources = resources;
    this.security = security;
    this.extraServices = List.of(extraServices);
    this.cluster = new ClusterService(peer, security.peers());
    this.podLogs = new PodLogs(resources.registry(Kinds.PODS), resources.registry(Kinds.NODES),
        new CallAuthorization<>(security.authorizer(), resources.registry(Kinds.PODS), resources.cache(Kinds.PODS)),
        security.peers());
  }

  public void start(InetSocketAddress address) throws IOException {
    NettyServerBuilder builder = NettyServerBuilder.forAddress(address)
        .executor(handlers)
        .maxInboundMessageSize(MAX_MESSAGE_BYTES)
        // the last added runs first: authentication, then method access, then fencing
        .intercept(new FencingInterceptor())
        .intercept(new MethodAccess(security.authorizer(),
            Kinds.ALL.stream().map(k -> k.type().service().getName()).collect(Collectors.toSet())))
        .intercept(security.authentication())
        .addService(ProtoReflectionServiceV1.newInstance())
        .addService(ProtoReflectionService.newInstance())
        .addService(health.getHealthService())
        .addService(cluster);
    for (Kind<?> kind : Kinds.ALL) {
      builder.addService(bind(kind));
    }
    extraServices.forEach(builder::addService);
    security.applyTo(builder);
    server = builder.build().start();
    log.info("API serving on {} ({})", address, security.serverTls() == null ? "plaintext" : "TLS");
  }

  private <T extends Message> io.grpc.ServerServiceDefinition bind(Kind<T> kind) {
    Map<String, ServerCallHandler<?, ?>> own = kind == Kinds.PODS ? Map.of("Logs", podLogs.handler()) : Map.of();
    return new KindService<>(resources.registry(kind), resources.cache(kind), security.authorizer())
        .bind(kind.type().service(), own);
  }

  /** The port actually bound (for port 0 in tests). */
  public int port() {
    return server.getPort();
  }

  @Override
  public void close() throws InterruptedException {
    health.enterTerminalState();
    if (server != null) {
      server.shutdown();
      if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
        server.shutdownNow();
      }
    }
    handlers.shutdownNow();
    cluster.close();
    podLogs.close();
  }
}
