package io.skiff.store.etcd;

import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.skiff.proto.etcd.WatchGrpc;
import io.skiff.proto.etcd.WatchRequest;
import io.skiff.proto.etcd.WatchResponse;
import io.skiff.store.Store;
import io.skiff.store.raft.StorePeer;
import jakarta.inject.Inject;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** etcd's Watch service: one {@link WatchStream} per client stream. */
public final class WatchService extends WatchGrpc.WatchImplBase implements AutoCloseable {
  private final Store store;
  private final StorePeer peer;
  private final ExecutorService sender = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "watch-sender");
    t.setDaemon(true);
    return t;
  });

  @Inject
  public WatchService(Store store, StorePeer peer) {
    this.store = store;
    this.peer = peer;
  }

  @Override
  public StreamObserver<WatchRequest> watch(StreamObserver<WatchResponse> observer) {
    return new WatchStream(store, (ServerCallStreamObserver<WatchResponse>) observer,
        revision -> Headers.of(peer, revision), () -> peer.status().revision(), sender);
  }

  @Override
  public void close() {
    sender.shutdownNow();
  }
}
