package io.skiff.store.etcd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.skiff.proto.etcd.WatchCreateRequest;
import io.skiff.proto.etcd.WatchGrpc;
import io.skiff.proto.etcd.WatchRequest;
import io.skiff.proto.etcd.WatchResponse;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A Watch stream through the generated stub, for tests: every wait is bounded by {@code wait}. */
final class WatchClient implements AutoCloseable {
  final BlockingQueue<WatchResponse> received = new LinkedBlockingQueue<>();
  final CompletableFuture<Status> closed = new CompletableFuture<>();
  private final Duration wait;
  private final StreamObserver<WatchRequest> requests;

  WatchClient(ManagedChannel channel, Duration wait) {
    this.wait = wait;
    this.requests = WatchGrpc.newStub(channel)
        .withDeadlineAfter(wait.toSeconds() * 3, TimeUnit.SECONDS)
        .watch(SinglePeerEndpoint.observer(received::add, closed));
  }

  void send(WatchRequest request) {
    requests.onNext(request);
  }

  /** Creates a watch and waits for its created answer; returns its id. */
  long create(WatchCreateRequest.Builder request) throws InterruptedException {
    send(WatchRequest.newBuilder().setCreateRequest(request).build());
    WatchResponse created = next();
    assertTrue(created.getCreated(), () -> "not a created answer: " + created);
    assertFalse(created.getCanceled(), () -> "canceled at creation: " + created);
    return created.getWatchId();
  }

  WatchResponse next() throws InterruptedException {
    WatchResponse response = received.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
    assertNotNull(response, () -> "no watch answer within " + wait.toSeconds() + " s"
        + (closed.isDone() ? "; stream ended " + closed.join() : ""));
    return response;
  }

  @Override
  public void close() throws Exception {
    requests.onCompleted();
    assertEquals(Status.Code.OK, closed.get(wait.toMillis(), TimeUnit.MILLISECONDS).getCode());
  }
}
