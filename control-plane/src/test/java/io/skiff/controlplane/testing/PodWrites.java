package io.skiff.controlplane.testing;

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
    NamespacesGrpc.newBlockingStub(channel)
        .create(Namespace.newBuilder().setMetadata(ObjectMeta.newBuilder().setName(name)).build());
  }

  /** Starts a Watch of pods, recorded. */
  public static WatchRecorder<PodWatchEvent> watch(Channel channel, WatchRequest request) {
    WatchRecorder<PodWatchEvent> recorder = WatchRecorder.reading();
    PodsGrpc.newStub(channel).watch(request, recorder);
    return recorder;
  }

  /** As {@link #watch}, with a recorder of the caller's (e.g. a paused one). */
  public static WatchRecorder<PodWatchEvent> watch(Channel channel, WatchRequest request,
      WatchRecorder<PodWatchEvent> recorder) {
    PodsGrpc.newStub(channel).watch(request, recorder);
    return recorder;
  }

  /** Every change of pods in {@code namespace} after {@code resourceVersion}. */
  public static WatchRequest from(String namespace, long resourceVersion) {
    return WatchRequest.newBuilder().setNamespace(namespace).setResourceVersion(resourceVersion).build();
  }

  public Pod create(Channel channel, Pod pod) {
    Pod created = PodsGrpc.newBlockingStub(channel).create(pod);
    remember("ADDED", created);
    current.put(key(created), created);
    return created;
  }

  public Pod create(Channel channel, String namespace, String name, Map<String, String> labels) {
    return create(channel, pod(namespace, name, labels));
  }

  /** Updates a pod this writer created, from its last acknowledged state (a stale one is a conflict). */
  public Pod update(Channel channel, String namespace, String name, UnaryOperator<Pod> change) {
    Pod updated = PodsGrpc.newBlockingStub(channel).update(change.apply(current.get(namespace + "/" + name)));
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
    Pod deleted = PodsGrpc.newBlockingStub(channel).delete(DeleteRequest.newBuilder().setNamespace(namespace)
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

  private static String key(Pod pod) {
    return pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
  }
}
