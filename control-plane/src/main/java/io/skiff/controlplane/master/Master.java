package io.skiff.controlplane.master;

import com.google.inject.Guice;
import com.google.inject.Injector;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.skiff.controlplane.api.ApiServer;
import io.skiff.controlplane.controllers.ControllerManager;
import io.skiff.controlplane.kinds.Kinds;
import io.skiff.store.PeerSpec;
import io.skiff.store.etcd.EtcdApiServer;
import io.skiff.store.raft.StorePeer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One master: a store peer (with its etcd-compatible endpoint) and the Skiff
 * API over it. Alone it is a cluster; three that name each other as peers are
 * an HA cluster in which any master serves every request.
 */
public final class Master implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Master.class);
  /** How long a starting master waits for its store to reach a quorum. */
  private static final Duration QUORUM_PATIENCE = Duration.ofMinutes(5);

  private final MasterConfig config;
  private final Injector injector;
  private StorePeer peer;
  private EtcdApiServer etcd;
  private ApiResources resources;
  private ApiServer api;
  private NamespaceCleaner namespaceCleaner;
  private Compactor compactor;
  private ManagedChannel selfChannel;
  private ControllerManager controllers;

  public Master(MasterConfig config) {
    this.config = config;
    this.injector = Guice.createInjector(new MasterModule(config));
  }

  public void start() throws IOException, InterruptedException {
    peer = injector.getInstance(StorePeer.class);
    peer.start();
    etcd = injector.getInstance(EtcdApiServer.class);
    String client = config.store().self().clientAddress();
    etcd.start(NettyServerBuilder.forAddress(new InetSocketAddress(PeerSpec.host(client), PeerSpec.port(client)))
        .directExecutor());
    resources = new ApiResources(peer.store(), Clock.systemUTC(), config.maxObjectBytes(), config.watchCache());
    Bootstrap.ensureNamespaces(resources.registry(Kinds.NAMESPACES), QUORUM_PATIENCE);
    resources.start();
    api = new ApiServer(resources, peer);
    api.start(config.apiAddress());
    namespaceCleaner = new NamespaceCleaner(resources, config.namespaceCleanupInterval());
    compactor = new Compactor(peer.store(), config.compactionInterval());
    if (config.runControllers()) {
      // the controllers reach the API as any client does, through this master's own endpoint
      selfChannel = NettyChannelBuilder.forAddress(loopbackIfAny(config.apiAddress()), api.port()).usePlaintext().build();
      String identity = config.store().id() + "-" + java.util.UUID.randomUUID().toString().substring(0, 8);
      controllers = new ControllerManager(selfChannel, identity, config.election(), config.controllers(),
          Clock.systemUTC(), ControlLoops::all).start();
    }
    log.info("master {} ready: API on {}, store clients on {}", config.store().id(), config.apiAddress(), client);
  }

  private static String loopbackIfAny(InetSocketAddress address) {
    return address.getAddress() != null && address.getAddress().isAnyLocalAddress() ? "127.0.0.1"
        : address.getHostString();
  }

  /** The scheduler and controllers' manager, or null if this master runs none. */
  public ControllerManager controllers() {
    return controllers;
  }

  public int apiPort() {
    return api.port();
  }

  public StorePeer peer() {
    return peer;
  }

  public ApiResources resources() {
    return resources;
  }

  @Override
  public void close() throws Exception {
    if (controllers != null) {
      controllers.close();
    }
    if (selfChannel != null) {
      selfChannel.shutdownNow();
    }
    if (compactor != null) {
      compactor.close();
    }
    if (namespaceCleaner != null) {
      namespaceCleaner.close();
    }
    if (resources != null) {
      resources.close();  // ends watches with a last bookmark before the server goes
    }
    if (api != null) {
      api.close();
    }
    if (etcd != null) {
      etcd.close();
    }
    if (peer != null) {
      peer.close();
    }
    log.info("master {} stopped", config.store().id());
  }
}
