package io.skiff.controlplane.controllers.workload;

import io.grpc.ClientCall;
import io.grpc.Status;
import io.skiff.api.v1.ListRequest;
import io.skiff.api.v1.Pod;
import io.skiff.api.v1.WatchRequest;
import io.skiff.client.ResourceClient;
import io.skiff.client.WatchListener;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Watches the pods of one namespace and, after every change, counts them:
 * the most that ever existed at once, the fewest ready at once, the most
 * distinct images at once, and how many were ever created. Events come in the
 * store's order, so these are the counts of real moments. Thread-safe.
 */
final class PodCensus implements AutoCloseable {
  private final Map<String, Pod> live = new HashMap<>();
  private final ClientCall<?, ?> watch;
  private int maxTotal;
  private int minReady = Integer.MAX_VALUE;
  private int maxImages;
  private int created;

  /** Counts from the namespace's pods now; {@link #minReady} starts from how many are ready now. */
  PodCensus(ResourceClient<Pod> pods, String namespace) {
    ResourceClient.Page<Pod> page = pods.list(ListRequest.newBuilder().setNamespace(namespace).build());
    synchronized (this) {
      page.items().forEach(p -> live.put(p.getMetadata().getName(), p));
      count();
    }
    watch = pods.watch(WatchRequest.newBuilder().setNamespace(namespace)
        .setResourceVersion(page.meta().getResourceVersion()).build(), new WatchListener<>() {
          @Override
          public void onEvent(String type, Pod pod) {
            seen(type, pod);
          }

          @Override
          public void onEnd(Status status) {
          }
        });
  }

  private synchronized void seen(String type, Pod pod) {
    String name = pod.getMetadata().getName();
    switch (type) {
      case "ADDED" -> {
        live.put(name, pod);
        created++;
      }
      case "MODIFIED" -> live.put(name, pod);
      case "DELETED" -> live.remove(name);
      default -> {
        return;
      }
    }
    count();
  }

  private void count() {
    maxTotal = Math.max(maxTotal, live.size());
    minReady = Math.min(minReady, (int) live.values().stream().filter(PodStates::isReady).count());
    maxImages = Math.max(maxImages, (int) live.values().stream().map(PodCensus::image).distinct().count());
  }

  synchronized int maxTotal() {
    return maxTotal;
  }

  synchronized int minReady() {
    return minReady;
  }

  synchronized int maxImagesAtOnce() {
    return maxImages;
  }

  synchronized int created() {
    return created;
  }

  /** The pods there are as far as the watch has seen. */
  synchronized List<Pod> live() {
    return List.copyOf(live.values());
  }

  static String image(Pod pod) {
    return pod.getSpec().getContainers(0).getImage();
  }

  @Override
  public void close() {
    watch.cancel("census over", null);
  }
}
