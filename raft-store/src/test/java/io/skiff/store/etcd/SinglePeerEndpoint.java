package io.skiff.store.etcd;

import static org.awaitility.Awaitility.await;

import com.google.inject.Guice;
import com.google.inject.Injector;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.skiff.store.PeerSpec;
import io.skiff.store.StoreConfig;
import io.skiff.store.raft.StorePeer;
import io.skiff.store.server.StoreServerModule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * One real single-peer store with its etcd endpoint, wired and served as
 * {@code StoreServerMain} does (Guice module, Netty, handlers on the transport
 * threads), and a plaintext channel to it.
 */
final class SinglePeerEndpoint implements AutoCloseable {
  private static final Duration STOP_BOUND = Duration.ofSeconds(30);

  final StorePeer peer;
  final ManagedChannel channel;
  private final EtcdApiServer api;
  private final Path dataDir;

  private SinglePeerEndpoint(Path dataDir, StorePeer peer, EtcdApiServer api, ManagedChannel channel) {
    this.dataDir = dataDir;
    this.peer = peer;
    this.api = api;
    this.channel = channel;
  }

  /** Starts the peer, waits until it leads, then serves its endpoint on a free loopback port. */
  static SinglePeerEndpoint start(String name) throws IOException {
    Path dataDir = Files.createTempDirectory("skiff-" + name + "-");
    StoreConfig config = StoreConfig.defaults("n1", PeerSpec.parseList("n1=127.0.0.1:" + freePort()), dataDir)
        .toBuilder().electionTimeout(Duration.ofMillis(300)).build();
    Injector injector = Guice.createInjector(new StoreServerModule(config));
    StorePeer peer = injector.getInstance(StorePeer.class);
    peer.start();
    await().atMost(Duration.ofSeconds(20)).until(peer::isLeaderReady);
    EtcdApiServer api = injector.getInstance(EtcdApiServer.class);
    api.start(NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).directExecutor());
    ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", api.port()).usePlaintext().build();
    return new SinglePeerEndpoint(dataDir, peer, api, channel);
  }

  /** host:port of the etcd endpoint, for etcdctl. */
  String endpoint() {
    return "127.0.0.1:" + api.port();
  }

  /**
   * Stops everything within a bound, or fails: a deadlocked apply thread never stops and Ratis
   * waits for it, so a test that found a deadlock must not hang here (the peer's threads are daemons).
   */
  @Override
  public void close() throws Exception {
    CompletableFuture<Void> stopped = new CompletableFuture<>();
    Thread closer = new Thread(() -> {
      try {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        api.close();
        peer.close();
        stopped.complete(null);
      } catch (Throwable t) {
        stopped.completeExceptionally(t);
      }
    }, "endpoint-teardown");
    closer.setDaemon(true);
    closer.start();
    try {
      stopped.get(STOP_BOUND.toSeconds(), TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("the store did not stop within " + STOP_BOUND.toSeconds() + " s", e);
    }
    try (Stream<Path> files = Files.walk(dataDir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  /** A stream observer that hands values to {@code onNext} and completes {@code ended} with the final status. */
  static <T> StreamObserver<T> observer(Consumer<T> onNext, CompletableFuture<Status> ended) {
    return new StreamObserver<>() {
      @Override
      public void onNext(T value) {
        onNext.accept(value);
      }

      @Override
      public void onError(Throwable t) {
        ended.complete(Status.fromThrowable(t));
      }

      @Override
      public void onCompleted() {
        ended.complete(Status.OK);
      }
    };
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
