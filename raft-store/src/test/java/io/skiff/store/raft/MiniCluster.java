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
  private final StorePeer[] peers;
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
    }
    peers = new StorePeer[size];
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
    return peers.length;
  }

  StorePeer peer(int i) {
    return peers[i];
  }

  Store store(int i) {
    return peers[i].store();
  }

  boolean isRunning(int i) {
    return peers[i] != null;
  }

  /** Waits until one running peer leads and is ready; returns its index. */
  int awaitLeader() {
    return await().atMost(Duration.ofSeconds(20)).until(this::leaderIndex, i -> i >= 0);
  }

  int leaderIndex() {
    for (int i = 0; i < peers.length; i++) {
      if (peers[i] != null && peers[i].isLeaderReady()) {
        return i;
      }
    }
    return -1;
  }

  int aFollower() {
    int leader = awaitLeader();
    for (int i = 0; i < peers.length; i++) {
      if (i != leader && peers[i] != null) {
        return i;
      }
    }
    throw new IllegalStateException("no running follower");
  }

  void stop(int i) throws IOException {
    if (peers[i] != null) {
      peers[i].close();
      peers[i] = null;
    }
  }

  void restart(int i) throws IOException {
    stop(i);
    StorePeer peer = new StorePeer(configs.get(i));
    peer.start();
    peers[i] = peer;
  }

  @Override
  public void close() throws IOException {
    for (int i = 0; i < peers.length; i++) {
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
