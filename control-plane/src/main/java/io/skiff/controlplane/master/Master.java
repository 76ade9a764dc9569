package io.skiff.controlplane.master;

import com.google.inject.Guice;
import com.google.inject.Injector;
import io.grpc.ManagedChannel;
import io.skiff.controlplane.api.ApiSecurity;
import io.skiff.controlplane.api.ApiServer;
import io.skiff.controlplane.api.AuthService;
import io.skiff.controlplane.api.PeerChannels;
import io.skiff.controlplane.auth.AuthInterceptor;
import io.skiff.controlplane.auth.Authenticator;
import io.skiff.controlplane.auth.Authorizer;
import io.skiff.controlplane.auth.CachedBindings;
import io.skiff.controlplane.auth.StoreTokens;
import io.skiff.controlplane.auth.TokenLookup;
import io.skiff.controlplane.controllers.ControllerManager;
import io.skiff.controlplane.kinds.Kinds;
import io.skiff.pki.PkiDirectory;
import io.skiff.pki.TlsFiles;
import io.skiff.store.PeerSpec;
import io.skiff.store.StoreTls;
import io.skiff.store.etcd.EtcdApiServer;
import io.skiff.store.raft.StorePeer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One master: a store peer (with its etcd-compatible endpoint) and the Skiff
 * API over it. Alone it is a cluster; three that name each other as peers are
 * an HA cluster in which any master serves every request. Unless --insecure, it
 * first makes sure of its PKI (see {@link MasterCertificates}), and then every
 * connection it serves or opens is TLS and every API call is authenticated and
 * authorized.
 */
public final class Master implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Master.class);
  /** How long a starting master waits for its store to reach a quorum. */
  private static final Duration QUORUM_PATIENCE = Duration.ofMinutes(5);
  /** How long a starting master waits for its watch caches to hand the bindings over. */
  private static final Duration BINDINGS_PATIENCE = Duration.ofSeconds(30);

  private MasterConfig config;
  /** Null: the store's tokens ({@link #storeTokens}). */
  private final TokenLookup tokens;
  /** The bearer tokens kept in the store (/skiff/tokens/), served by the Auth service; null under --insecure. */
  private StoreTokens storeTokens;
  private Injector injector;
  private PkiDirectory pki;
  private CachedBindings bindings;
  private StorePeer peer;
  private EtcdApiServer etcd;
  private ApiResources resources;
  private ApiServer api;
  private NamespaceCleaner namespaceCleaner;
  private Compactor compactor;
  private ManagedChannel selfChannel;
  private ControllerManager controllers;

  public Master(MasterConfig config) {
    this(config, null);
  }

  /** A master that takes the bearer tokens {@code tokens} knows instead of the store's (tests). */
  public Master(MasterConfig config, TokenLookup tokens) {
    this.config = config;
    this.tokens = tokens;
  }

  public void start() throws IOException, InterruptedException {
    TlsFiles masterFiles = null;
    if (config.security().insecure()) {
      log.warn("running with --insecure: plaintext, no authentication; every caller is cluster-admin");
    } else {
      masterFiles = MasterCertificates.ensure(config, pki = new PkiDirectory(config.security().pkiDir()));
      if (config.store().tls() == null) {
        config = config.withStore(config.store().toBuilder()
            .tls(new StoreTls(masterFiles, masterFiles, StoreTls.DEFAULT_CLIENT_GROUPS)).build(), config.apiAddress());
      }
    }
    injector = Guice.createInjector(new MasterModule(config));
    peer = injector.getInstance(StorePeer.class);
    peer.start();
    etcd = injector.getInstance(EtcdApiServer.class);
    String client = config.store().self().clientAddress();
    etcd.start(EtcdApiServer.serverBuilder(new InetSocketAddress(PeerSpec.host(client), PeerSpec.port(client)),
        config.store().tls()));
    resources = new ApiResources(peer.store(), Clock.systemUTC(), config.maxObjectBytes(), config.watchCache());
    Bootstrap.ensureNamespaces(resources.registry(Kinds.NAMESPACES), QUORUM_PATIENCE);
    resources.start();
    ApiSecurity security;
    if (masterFiles == null) {
      security = ApiSecurity.insecure();
      api = new ApiServer(resources, peer, security);  // no CA, no tokens: the Auth service is not served
    } else {
      storeTokens = new StoreTokens(peer.store(), Clock.systemUTC());
      storeTokens.start();
      security = secure(masterFiles);
      api = new ApiServer(resources, peer, security, new AuthService(storeTokens, pki.loadCa(), Clock.systemUTC()));
    }
    api.start(config.apiAddress());
    namespaceCleaner = new NamespaceCleaner(resources, config.namespaceCleanupInterval());
    compactor = new Compactor(peer.store(), config.compactionInterval());
    if (config.runControllers()) {
      // the controllers reach the API as any client does, through this master's own endpoint
      selfChannel = security.peers().open(loopbackIfAny(config.apiAddress()), api.port());
      String identity = config.store().id() + "-" + java.util.UUID.randomUUID().toString().substring(0, 8);
      controllers = new ControllerManager(selfChannel, identity, config.election(), config.controllers(),
          Clock.systemUTC(), ControlLoops::all).start();
    }
    log.info("master {} ready: API on {}, store clients on {}", config.store().id(), config.apiAddress(), client);
  }

  /** TLS with the master's certificate; callers authenticated by certificate or token, authorized by bindings. */
  private ApiSecurity secure(TlsFiles masterFiles) throws InterruptedException {
    bindings = new CachedBindings(resources.cache(Kinds.ROLE_BINDINGS), Kinds.ROLE_BINDINGS,
        resources.cache(Kinds.CLUSTER_ROLE_BINDINGS), Kinds.CLUSTER_ROLE_BINDINGS).start(BINDINGS_PATIENCE);
    return new ApiSecurity(masterFiles.forServer(false),
        AuthInterceptor.authenticating(new Authenticator(tokens != null ? tokens : storeTokens, Clock.systemUTC())),
        new Authorizer(bindings), PeerChannels.tls(masterFiles));
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

  /**
   * This master's PKI directory (the cluster CA, its own and the admin's certificates), for those that
   * issue more (the all-in-one's local agent); empty under --insecure or before start.
   */
  public Optional<PkiDirectory> pki() {
    return Optional.ofNullable(pki);
  }

  /** The settings it runs with (after start: with the store's TLS filled in). */
  public MasterConfig config() {
    return config;
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
    if (bindings != null) {
      bindings.close();
    }
    if (storeTokens != null) {
      storeTokens.close();
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
