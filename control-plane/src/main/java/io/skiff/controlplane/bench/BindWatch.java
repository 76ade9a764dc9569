package io.skiff.controlplane.bench;

import io.grpc.Channel;
import io.grpc.Context;
import io.grpc.stub.StreamObserver;
import io.skiff.api.v1.Pod;
import io.skiff.api.v1.PodWatchEvent;
import io.skiff.api.v1.PodsGrpc;
import io.skiff.api.v1.WatchRequest;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * A Pod watch of one namespace that notes when each pod is first seen bound (spec.nodeName set), on
 * this JVM's monotonic clock ({@link System#nanoTime}): the moment a client learns the scheduler's
 * decision. It asks for initial events and counts as established at its first BOOKMARK, so nothing
 * written after {@link #start} returns is missed; pods bound before then are noted at that moment.
 *
 * <p>Thread-safe: events arrive on the channel's threads, one at a time; readers and waiters take the
 * same lock.
 */
final class BindWatch implements AutoCloseable {
  private final Context.CancellableContext context = Context.current().withCancellation();
  private final CountDownLatch established = new CountDownLatch(1);
  /** Pod name to the nanoTime it was first seen bound; guarded by {@code this}. */
  private final Map<String, Long> boundAt = new HashMap<>();
  /** Why the watch ended, if it did; guarded by {@code this}. */
  private Throwable ended;

  private BindWatch() {
  }

  /** Starts watching {@code namespace}; returns once the watch is in place. */
  static BindWatch start(Channel channel, String namespace, long timeoutMs) throws InterruptedException {
    BindWatch watch = new BindWatch();
    watch.context.run(() -> PodsGrpc.newStub(channel).watch(WatchRequest.newBuilder().setNamespace(namespace)
        .setSendInitialEvents(true).setAllowBookmarks(true).build(), watch.new Events()));
    if (!watch.established.await(timeoutMs, TimeUnit.MILLISECONDS)) {
      watch.close();
      throw new IllegalStateException("the watch of namespace " + namespace + " was not established within "
          + timeoutMs + " ms" + watch.endedBecause());
    }
    synchronized (watch) {
      if (watch.ended != null) {
        throw new IllegalStateException("the watch of namespace " + namespace + " failed" + watch.endedBecause());
      }
    }
    return watch;
  }

  synchronized int boundCount() {
    return boundAt.size();
  }

  /** When the pod was first seen bound, or null. */
  synchronized Long boundAt(String name) {
    return boundAt.get(name);
  }

  /** The earliest moment a pod whose name matches was seen bound; empty if none was. */
  synchronized OptionalLong firstBound(Predicate<String> names) {
    return boundAt.entrySet().stream().filter(e -> names.test(e.getKey())).mapToLong(Map.Entry::getValue).min();
  }

  /** Waits until {@code count} pods were seen bound; false when the deadline (a nanoTime) passed or the watch ended. */
  synchronized boolean awaitBound(int count, long deadline) throws InterruptedException {
    return await(() -> boundAt.size() >= count, deadline);
  }

  /** Waits until a pod whose name matches was seen bound; false when the deadline passed or the watch ended. */
  synchronized boolean awaitBound(Predicate<String> names, long deadline) throws InterruptedException {
    return await(() -> boundAt.keySet().stream().anyMatch(names), deadline);
  }

  /** How the watch ended, for messages: empty while it runs. */
  synchronized String endedBecause() {
    return ended == null ? "" : " (" + ended + ")";
  }

  private boolean await(BooleanSupplier done, long deadline) throws InterruptedException {
    while (!done.getAsBoolean()) {
      long left = deadline - System.nanoTime();
      if (left <= 0 || ended != null) {
        return false;
      }
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
    return true;
  }

  @Override
  public void close() {
    context.cancel(null);
  }

  private final class Events implements StreamObserver<PodWatchEvent> {
    @Override
    public void onNext(PodWatchEvent event) {
      long now = System.nanoTime();
      if (event.getType().equals("BOOKMARK")) {
        established.countDown();
        return;
      }
      Pod pod = event.getObject();
      if (pod.getSpec().getNodeName().isEmpty()) {
        return;
      }
      synchronized (BindWatch.this) {
        if (boundAt.putIfAbsent(pod.getMetadata().getName(), now) == null) {
          BindWatch.this.notifyAll();
        }
      }
    }

    @Override
    public void onError(Throwable t) {
      end(t);
    }

    @Override
    public void onCompleted() {
      end(new IllegalStateException("the server ended the watch"));
    }

    private void end(Throwable why) {
      synchronized (BindWatch.this) {
        ended = why;
        BindWatch.this.notifyAll();
      }
      established.countDown();
    }
  }
}
