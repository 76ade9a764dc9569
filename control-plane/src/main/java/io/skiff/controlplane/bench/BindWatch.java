package io.skiff.controlplane.bench;

import io.grpc.Channel;
import io.skiff.api.v1.ListRequest;
import io.skiff.api.v1.Pod;
import io.skiff.client.ResourceClient;
import io.skiff.client.ResourceTypes;
import io.skiff.client.cache.Informer;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * Notes when each pod of one namespace is first seen bound (spec.nodeName set), on this JVM's
 * monotonic clock ({@link System#nanoTime}): the moment a client learns of the scheduler's decision.
 * It follows the pods as a controller does, with an {@link Informer} (List, then Watch from the
 * list's revision, and a new List if the watch falls behind the master's cache), so nothing written
 * after {@link #start} returns is missed; pods bound before, or found bound by a new List, are noted
 * when the List arrives.
 *
 * <p>Thread-safe: the informer's handler writes, readers and waiters take the same lock.
 */
final class BindWatch implements AutoCloseable {
  private final Informer<Pod> informer;
  /** Pod name to the nanoTime it was first seen bound; guarded by {@code this}. */
  private final Map<String, Long> boundAt = new HashMap<>();

  private BindWatch(Channel channel, String namespace, long timeoutMs) {
    this.informer = new Informer<>(new ResourceClient<>(channel, ResourceTypes.PODS, timeoutMs),
        ListRequest.newBuilder().setNamespace(namespace).build());
    informer.addHandler(new Informer.Handler<>() {
      @Override
      public void onAdd(Pod pod) {
        seen(pod);
      }

      @Override
      public void onUpdate(Pod old, Pod pod) {
        seen(pod);
      }
    });
  }

  /** Starts following {@code namespace}; returns once the first List is in. */
  static BindWatch start(Channel channel, String namespace, long timeoutMs) throws InterruptedException {
    BindWatch watch = new BindWatch(channel, namespace, timeoutMs);
    watch.informer.start();
    if (!watch.informer.awaitSynced(Duration.ofMillis(timeoutMs))) {
      watch.close();
      throw new IllegalStateException("could not list the pods of namespace " + namespace + " within " + timeoutMs
          + " ms");
    }
    return watch;
  }

  private void seen(Pod pod) {
    long now = System.nanoTime();
    if (pod.getSpec().getNodeName().isEmpty()) {
      return;
    }
    synchronized (this) {
      if (boundAt.putIfAbsent(pod.getMetadata().getName(), now) == null) {
        notifyAll();
      }
    }
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

  /** Waits until {@code count} pods were seen bound; false when the deadline (a nanoTime) passed first. */
  synchronized boolean awaitBound(int count, long deadline) throws InterruptedException {
    return await(() -> boundAt.size() >= count, deadline);
  }

  /** Waits until a pod whose name matches was seen bound; false when the deadline passed first. */
  synchronized boolean awaitBound(Predicate<String> names, long deadline) throws InterruptedException {
    return await(() -> boundAt.keySet().stream().anyMatch(names), deadline);
  }

  private boolean await(BooleanSupplier done, long deadline) throws InterruptedException {
    while (!done.getAsBoolean()) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
    return true;
  }

  @Override
  public void close() {
    informer.close();
  }
}
