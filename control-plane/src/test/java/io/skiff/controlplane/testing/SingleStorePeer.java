package io.skiff.controlplane.testing;

import static org.awaitility.Awaitility.await;

import io.skiff.store.PeerSpec;
import io.skiff.store.Store;
import io.skiff.store.StoreConfig;
import io.skiff.store.raft.StorePeer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** One real store peer in this JVM, a cluster of its own: for tests of what the master keeps in the store. */
public final class SingleStorePeer implements AutoCloseable {
  private final StorePeer peer;

  private SingleStorePeer(StorePeer peer) {
    this.peer = peer;
  }

  /** Starts a peer with its data in {@code dataDir} and waits until it leads. */
  public static SingleStorePeer start(Path dataDir) throws IOException {
    List<PeerSpec> peers = List.of(new PeerSpec("p0", "127.0.0.1:" + freePort(), ""));
    StorePeer peer = new StorePeer(StoreConfig.defaults("p0", peers, dataDir).toBuilder()
        .electionTimeout(Duration.ofMillis(300)).build());
    peer.start();
    await().atMost(Duration.ofSeconds(20)).until(peer::isLeaderReady);
    return new SingleStorePeer(peer);
  }

  public Store store() {
    return peer.store();
  }

  @Override
  public void close() throws IOException {
    peer.close();
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
