package io.skiff.controlplane.testing;

import static java.util.concurrent.TimeUnit.SECONDS;

import io.grpc.Channel;
import io.skiff.api.v1.Container;
import io.skiff.api.v1.DeleteRequest;
import io.skiff.api.v1.Namespace;
import io.skiff.api.v1.NamespacesGrpc;
import io.skiff.api.v1.ObjectMeta;
import io.skiff.api.v1.Pod;
import io.skiff.api.v1.PodSpec;
import io.skiff.api.v1.PodWatchEvent;
import io.skiff.api.v1.PodsGrpc;
import io.skiff.api.v1.WatchRequest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/**
 * Pod writes through the API that remember what a watcher must see: each
 * acknowledged create, update and delete is an expected {@link Change} with the
 * resource_version the write was acknowledged at. Thread-safe; several
 * threads may write at once (each to its own pods).
 */
public final class PodWrites {
  private static final long CALL_TIMEOUT_SECONDS = 30;

  private final List<Change> changes = new ArrayList<>();
  private final Map<String, Pod> current = new ConcurrentHashMap<>();

  /** An event as a watcher sees it: type, the object's namespace and name, resource_version. */
  public record Change(String type, String namespace, String name, long resourceVersion) {
    public static Change of(PodWatchEvent event) {
      ObjectMeta meta = event.getObject().getMetadata();
      return new Change(event.getType(), meta.getNamespace(), meta.getName(), meta.getResourceVersion());
    }

    public boolean isBookmark() {
      return type.equals("BOOKMARK");
    }

    @Override
    public String toString() {
      return type + " " + namespace + "/" + name + "@" + resourceVersion;
    }
  }

  /** A minimal valid pod. */
  public static Pod pod(String namespace, String name, Map<String, String> labels) {
    return Pod.newBuilder()
        .setMetadata(ObjectMeta.newBuilder().setNamespace(namespace).setName(name).putAllLabels(labels))
        .setSpec(PodSpec.newBuilder().addContainers(Container.newBuilder().setName("main").setImage("busybox:1")))
        .build();
  }

  public static void createNamespace(Channel channel, String name) {
    NamespacesGrpc.newBlockingStub(channel).withWaitForReady().withDeadlineAfter(CALL_TIMEOUT_SECONDS, SECONDS)
        .create(Namespace.newBuilder().setMetadata(ObjectMeta.newBuilder().setName(name)).build());
  }

  /** Starts a Watch of pods, recorded. It waits for the channel to connect (a master may be restarting). */
  public static WatchRecorder<PodWatchEvent> watch(Channel channel, WatchRequest request) {
    return watch(channel, request, WatchRecorder.reading());
  }

  /** As {@link #watch}, with a recorder of the caller's (e.g. a paused one). */
  public static WatchRecorder<PodWatchEvent> watch(Channel channel, WatchRequest request,
      WatchRecorder<PodWatchEvent> recorder) {
    PodsGrpc.newStub(channel).withWaitForReady().watch(request, recorder);
    return recorder;
  }

  /** Every change of pods in {@code namespace} after {@code resourceVersion}. */
  public static WatchRequest from(String namespace, long resourceVersion) {
    return WatchRequest.newBuilder().setNamespace(namespace).setResourceVersion(resourceVersion).build();
  }

  /**
   * Waits for the (non-bookmark) event of the pod named {@code last}, typically
   * a fence written after everything else; returns the non-bookmark events so far.
   */
  public static List<Change> awaitThrough(WatchRecorder<PodWatchEvent> watch, String last) {
    watch.awaitEvent(e -> !e.getType().equals("BOOKMARK") && e.getObject().getMetadata().getName().equals(last));
    return watch.events(Change::of).stream().filter(c -> !c.isBookmark()).toList();
  }

  /** Waits for {@code n} events (bookmarks included); returns all so far. */
  public static List<Change> awaitCount(WatchRecorder<PodWatchEvent> watch, int n) {
    watch.awaitCount(n);
    return watch.events(Change::of);
  }

  public Pod create(Channel channel, Pod pod) {
    Pod created = pods(channel).create(pod);
    remember("ADDED", created);
    current.put(key(created), created);
    return created;
  }

  public Pod create(Channel channel, String namespace, String name, Map<String, String> labels) {
    return create(channel, pod(namespace, name, labels));
  }

  /** Updates a pod this writer created, from its last acknowledged state (a stale one is a conflict). */
  public Pod update(Channel channel, String namespace, String name, UnaryOperator<Pod> change) {
    Pod updated = pods(channel).update(change.apply(current.get(namespace + "/" + name)));
    remember("MODIFIED", updated);
    current.put(key(updated), updated);
    return updated;
  }

  public Pod relabel(Channel channel, String namespace, String name, Map<String, String> labels) {
    return update(channel, namespace, name, p -> p.toBuilder()
        .setMetadata(p.getMetadata().toBuilder().clearLabels().putAllLabels(labels)).build());
  }

  /** Deletes at once (grace period 0). */
  public Pod delete(Channel channel, String namespace, String name) {
    Pod deleted = pods(channel).delete(DeleteRequest.newBuilder().setNamespace(namespace)
        .setName(name).setGracePeriodSeconds(0).build());
    remember("DELETED", deleted);
    current.remove(namespace + "/" + name);
    return deleted;
  }

  /** The last acknowledged state of a pod this writer wrote. */
  public Pod current(String namespace, String name) {
    return current.get(namespace + "/" + name);
  }

  /** What a watcher of everything written sees: every change, in resource_version order. */
  public List<Change> expected() {
    synchronized (changes) {
      List<Change> sorted = new ArrayList<>(changes);
      sorted.sort(Comparator.comparingLong(Change::resourceVersion));
      return sorted;
    }
  }

  /** The resource_version of the newest acknowledged write. */
  public long lastResourceVersion() {
    List<Change> all = expected();
    return all.isEmpty() ? 0 : all.get(all.size() - 1).resourceVersion();
  }

  private void remember(String type, Pod pod) {
    synchronized (changes) {
      changes.add(new Change(type, pod.getMetadata().getNamespace(), pod.getMetadata().getName(),
          pod.getMetadata().getResourceVersion()));
    }
  }

  /** Unary calls wait for the channel to connect (a master may be restarting), within a deadline. */
  private static PodsGrpc.PodsBlockingStub pods(Channel channel) {
    return PodsGrpc.newBlockingStub(channel).withWaitForReady().withDeadlineAfter(CALL_TIMEOUT_SECONDS, SECONDS);
  }

  private static String key(Pod pod) {
    return pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
  }
}
