package io.skiff.controlplane.master;

import com.google.inject.Guice;
import com.google.inject.Injector;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.skiff.controlplane.api.ApiServer;
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
    log.info("master {} ready: API on {}, store clients on {}", config.store().id(), config.apiAddress(), client);
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
