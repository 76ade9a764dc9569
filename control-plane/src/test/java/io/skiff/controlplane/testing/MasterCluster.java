package io.skiff.controlplane.testing;

import io.grpc.ManagedChannel;
import io.skiff.controlplane.api.PeerChannels;
import io.skiff.controlplane.auth.TokenLookup;
import io.skiff.controlplane.master.Master;
import io.skiff.controlplane.master.MasterConfig;
import io.skiff.controlplane.master.MasterSecurity;
import io.skiff.controlplane.watch.WatchCacheSettings;
import io.skiff.pki.PkiDirectory;
import io.skiff.store.PeerSpec;
import io.skiff.store.StoreConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * Real masters in this JVM (each a Ratis peer with its etcd endpoint and the
 * Skiff API on real ports), and gRPC channels to their APIs. A master can be
 * stopped and restarted on the same ports and data.
 */
public final class MasterCluster implements AutoCloseable {
  private final List<MasterConfig> configs = new ArrayList<>();
  /** By index; null for a stopped master. Grows as masters join. */
  private final List<Master> masters = new ArrayList<>();
  private final List<ManagedChannel> channels = new ArrayList<>();
  private final TokenLookup tokens;

  private MasterCluster(int size, Path dataDir, UnaryOperator<MasterConfig> tune, TokenLookup tokens) {
    this.tokens = tokens;
    int[] ports = freePorts(3 * size);
    List<PeerSpec> peers = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      peers.add(PeerSpec.parse("m" + (i + 1) + "=127.0.0.1:" + ports[3 * i] + "/127.0.0.1:" + ports[3 * i + 1]));
    }
    for (int i = 0; i < size; i++) {
      StoreConfig store = StoreConfig.builder("m" + (i + 1), peers, dataDir.resolve("m" + (i + 1)))
          .electionTimeout(Duration.ofMillis(500)).build();
      MasterConfig config = MasterConfig.defaults(store, new InetSocketAddress("127.0.0.1", ports[3 * i + 2]));
      // tests of the API alone run no controllers; those that want them say so (withControllers)
      config = config.withControllers(false, config.election(), config.controllers());
      // plaintext and every caller cluster-admin, unless the test asks for security (secure)
      config = config.withSecurity(config.security().withInsecure(true));
      configs.add(tune.apply(config));
      masters.add(null);
    }
  }

  /** Starts {@code size} masters that are peers of each other. */
  public static MasterCluster start(int size, Path dataDir) throws Exception {
    return start(size, dataDir, c -> c);
  }

  /** As {@link #start(int, Path)}, each master's config passed through {@code tune} first. */
  public static MasterCluster start(int size, Path dataDir, UnaryOperator<MasterConfig> tune) throws Exception {
    return start(size, dataDir, tune, id -> java.util.Optional.empty());
  }

  /** As {@link #start(int, Path, UnaryOperator)}, the masters taking the bearer tokens {@code tokens} knows. */
  public static MasterCluster start(int size, Path dataDir, UnaryOperator<MasterConfig> tune, TokenLookup tokens)
      throws Exception {
    MasterCluster cluster = new MasterCluster(size, dataDir, tune, tokens);
    List<CompletableFuture<Void>> starts = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      int index = i;
      starts.add(CompletableFuture.runAsync(() -> cluster.startMaster(index)));
    }
    CompletableFuture.allOf(starts.toArray(CompletableFuture[]::new)).get(2, TimeUnit.MINUTES);
    for (int i = 0; i < size; i++) {
      cluster.channels.add(cluster.adminChannel(cluster.configs.get(i).apiAddress().getPort()));
    }
    return cluster;
  }

  /**
   * TLS, authentication and authorization, with one PKI directory shared by every master (as masters
   * on one machine may share one): tests reach the API with {@link #channel} as the admin, or with
   * credentials of their own made by {@link #pki()}'s CA.
   */
  public static UnaryOperator<MasterConfig> secure(Path pkiDir) {
    return c -> c.withSecurity(MasterSecurity.secure(pkiDir));
  }

  /** The cluster's PKI directory; empty when it runs --insecure. */
  public java.util.Optional<PkiDirectory> pki() {
    return configs.get(0).security().insecure() ? java.util.Optional.empty()
        : java.util.Optional.of(new PkiDirectory(configs.get(0).security().pkiDir()));
  }

  /** A channel as the admin (plaintext when insecure). */
  private ManagedChannel adminChannel(int port) {
    return pki().map(p -> PeerChannels.tls(p.files("admin"))).orElse(PeerChannels.plaintext()).open("127.0.0.1", port);
  }

  /** Masters that campaign and run the scheduler and controllers, with these node timeouts and lease. */
  public static UnaryOperator<MasterConfig> controllers(Duration leaderLease, Duration nodeGrace, Duration eviction) {
    return c -> c.withControllers(true, c.election().withLeaseDuration(leaderLease),
        c.controllers().withNodeTimeouts(nodeGrace, eviction));
  }

  /** Short bookmark intervals and a small watch cache, for tests of those edges. */
  public static UnaryOperator<MasterConfig> watchCache(int events, Duration bookmarkInterval) {
    return c -> c.withStorage(c.maxObjectBytes(), new WatchCacheSettings(events, events, bookmarkInterval),
        c.compactionInterval());
  }

  public int size() {
    return masters.size();
  }

  public Master master(int index) {
    return masters.get(index);
  }

  /**
   * Starts one more master, {@code id}, with {@code --join} and the first master's settings: it
   * waits to be added to the store (AddMember) before it serves. Returns its index at once; the
   * future completes when it has started.
   */
  public synchronized Map.Entry<Integer, CompletableFuture<Void>> startJoining(String id) {
    int[] ports = freePorts(3);
    PeerSpec spec = PeerSpec.parse(id + "=127.0.0.1:" + ports[0] + "/127.0.0.1:" + ports[1]);
    MasterConfig first = configs.get(0);
    StoreConfig store = first.store().toBuilder(id, List.of(spec), first.store().dataDir().resolveSibling(id))
        .join(true).build();
    configs.add(first.withStore(store, new InetSocketAddress("127.0.0.1", ports[2])));
    masters.add(null);
    int index = masters.size() - 1;
    channels.add(adminChannel(ports[2]));
    return Map.entry(index, CompletableFuture.runAsync(() -> startMaster(index)));
  }

  /** The store peer master {@code index} runs as: id, raft and store addresses. */
  public PeerSpec peerSpec(int index) {
    return configs.get(index).store().self();
  }

  /** A channel to master {@code index}'s API; it reconnects when the master comes back. */
  public ManagedChannel channel(int index) {
    return channels.get(index);
  }

  public int apiPort(int index) {
    return configs.get(index).apiAddress().getPort();
  }

  /** The store client (etcd API) address of master {@code index}, for etcdctl. */
  public String storeEndpoint(int index) {
    return configs.get(index).store().self().clientAddress();
  }

  public void stop(int index) throws Exception {
    if (masters.get(index) != null) {
      masters.get(index).close();
      masters.set(index, null);
    }
  }

  public void restart(int index) throws Exception {
    stop(index);
    startMaster(index);
  }

  private void startMaster(int index) {
    try {
      Master master = new Master(configs.get(index), tokens);
      master.start();
      masters.set(index, master);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() throws Exception {
    for (ManagedChannel channel : channels) {
      channel.shutdownNow();
    }
    for (int i = 0; i < masters.size(); i++) {
      stop(i);
    }
  }

  private static int[] freePorts(int count) {
    List<ServerSocket> sockets = new ArrayList<>();
    try {
      int[] ports = new int[count];
      for (int i = 0; i < count; i++) {
        ServerSocket socket = new ServerSocket(0);
        sockets.add(socket);
        ports[i] = socket.getLocalPort();
      }
      return ports;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      for (ServerSocket socket : sockets) {
        try {
          socket.close();
        } catch (IOException ignored) {
          // best effort
        }
      }
    }
  }
}
