package io.skiff.store.raft;

import static org.awaitility.Awaitility.await;

import io.skiff.store.PeerSpec;
import io.skiff.store.Store;
import io.skiff.store.StoreConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * A store cluster of real Ratis peers in this JVM, talking gRPC on loopback,
 * each with its own data directory. Peers can be stopped and restarted on the
 * same data, like a process restart.
 */
final class MiniCluster implements AutoCloseable {
  private final List<StoreConfig> configs = new ArrayList<>();
  /** By index; null for a stopped peer. Grows as peers join. */
  private final List<StorePeer> peers = new ArrayList<>();
  private final Path root;

  private MiniCluster(int size, UnaryOperator<StoreConfig> tune) throws IOException {
    root = Files.createTempDirectory("skiff-mini-");
    List<PeerSpec> specs = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      specs.add(new PeerSpec("p" + i, "127.0.0.1:" + freePort(), ""));
    }
    for (PeerSpec spec : specs) {
      StoreConfig config = StoreConfig.defaults(spec.id(), specs, root.resolve(spec.id()))
          .toBuilder().electionTimeout(Duration.ofMillis(500)).build();
      configs.add(tune.apply(config));
      peers.add(null);
    }
  }

  static MiniCluster start(int size, UnaryOperator<StoreConfig> tune) throws IOException {
    MiniCluster cluster = new MiniCluster(size, tune);
    for (int i = 0; i < size; i++) {
      cluster.restart(i);
    }
    cluster.awaitLeader();
    return cluster;
  }

  static MiniCluster start(int size) throws IOException {
    return start(size, c -> c);
  }

  int size() {
    return peers.size();
  }

  StorePeer peer(int i) {
    return peers.get(i);
  }

  Store store(int i) {
    return peers.get(i).store();
  }

  boolean isRunning(int i) {
    return peers.get(i) != null;
  }

  String id(int i) {
    return configs.get(i).id();
  }

  /**
   * Starts a new peer with {@code --join} (an empty group, waiting to be added), with the
   * first peer's settings and {@code clientAddress} as its store address; returns its index.
   */
  int startJoiner(String id, String clientAddress) throws IOException {
    return startJoiner(id, clientAddress, c -> c);
  }

  /** {@link #startJoiner(String, String)} with settings of its own, say another peer's TLS. */
  int startJoiner(String id, String clientAddress, UnaryOperator<StoreConfig> tune) throws IOException {
    PeerSpec spec = new PeerSpec(id, "127.0.0.1:" + freePort(), clientAddress);
    configs.add(tune.apply(configs.get(0).toBuilder(id, List.of(spec), root.resolve(id)).restoreSnapshot(null)
        .join(true).build()));
    peers.add(null);
    restart(peers.size() - 1);
    return peers.size() - 1;
  }

  PeerSpec spec(int i) {
    return configs.get(i).self();
  }

  /** Waits until one running peer leads and is ready; returns its index. */
  int awaitLeader() {
    return await().atMost(Duration.ofSeconds(20)).until(this::leaderIndex, i -> i >= 0);
  }

  int leaderIndex() {
    for (int i = 0; i < peers.size(); i++) {
      if (peers.get(i) != null && peers.get(i).isLeaderReady()) {
        return i;
      }
    }
    return -1;
  }

  int aFollower() {
    int leader = awaitLeader();
    for (int i = 0; i < peers.size(); i++) {
      if (i != leader && peers.get(i) != null) {
        return i;
      }
    }
    throw new IllegalStateException("no running follower");
  }

  void stop(int i) throws IOException {
    if (peers.get(i) != null) {
      peers.get(i).close();
      peers.set(i, null);
    }
  }

  void restart(int i) throws IOException {
    stop(i);
    StorePeer peer = new StorePeer(configs.get(i));
    peer.start();
    peers.set(i, peer);
    // a restored peer restores once; restarts find its data
    configs.set(i, configs.get(i).toBuilder().restoreSnapshot(null).build());
  }

  @Override
  public void close() throws IOException {
    for (int i = 0; i < peers.size(); i++) {
      stop(i);
    }
    try (Stream<Path> files = Files.walk(root)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
