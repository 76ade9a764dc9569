package io.skiff.controlplane.master;

import com.google.protobuf.Message;
import io.skiff.api.v1.Namespace;
import io.skiff.client.DaemonThreads;
import io.skiff.controlplane.kinds.Kinds;
import io.skiff.controlplane.kinds.StoreNamespaceGate;
import io.skiff.controlplane.registry.Kind;
import io.skiff.controlplane.registry.NamespaceGate;
import io.skiff.controlplane.registry.Registry;
import io.skiff.controlplane.watch.WatchCache;
import io.skiff.controlplane.watch.WatchCacheSettings;
import io.skiff.store.Store;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/** The registry and the watch cache of every kind, over one store. */
public final class ApiResources implements AutoCloseable {
  private final Map<Kind<?>, Registry<?>> registries = new LinkedHashMap<>();
  private final Map<Kind<?>, WatchCache<?>> caches = new LinkedHashMap<>();
  private final ExecutorService deliveries;
  private final ScheduledExecutorService timer;

  public ApiResources(Store store, Clock clock, int maxObjectBytes, WatchCacheSettings cacheSettings) {
    this.deliveries = Executors.newFixedThreadPool(2, DaemonThreads.numbered("watch-delivery"));
    this.timer = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("watch-timer"));
    WatchCache<Namespace> namespaceCache = new WatchCache<>(Kinds.NAMESPACES, store, cacheSettings, deliveries, timer);
    Registry<Namespace> namespaces =
        new Registry<>(Kinds.NAMESPACES, store, null, namespaceCache::stored, clock, maxObjectBytes);
    registries.put(Kinds.NAMESPACES, namespaces);
    caches.put(Kinds.NAMESPACES, namespaceCache);
    NamespaceGate gate = new StoreNamespaceGate(namespaces, namespaceCache::stored);
    for (Kind<?> kind : Kinds.ALL) {
      if (kind != Kinds.NAMESPACES) {
        add(kind, gate, store, clock, maxObjectBytes, cacheSettings);
      }
    }
  }

  private <T extends Message> void add(Kind<T> kind, NamespaceGate gate, Store store, Clock clock, int maxObjectBytes,
      WatchCacheSettings settings) {
    WatchCache<T> cache = new WatchCache<>(kind, store, settings, deliveries, timer);
    caches.put(kind, cache);
    registries.put(kind, new Registry<>(kind, store, kind.namespaced() ? gate : null, cache::stored, clock,
        maxObjectBytes));
  }

  /** Loads every watch cache; blocks until they hold the store's current objects. */
  public void start() {
    caches.values().forEach(WatchCache::start);
  }

  @SuppressWarnings("unchecked")
  public <T extends Message> Registry<T> registry(Kind<T> kind) {
    return (Registry<T>) registries.get(kind);
  }

  @SuppressWarnings("unchecked")
  public <T extends Message> WatchCache<T> cache(Kind<T> kind) {
    return (WatchCache<T>) caches.get(kind);
  }

  @Override
  public void close() throws InterruptedException {
    caches.values().forEach(WatchCache::close);
    deliveries.shutdown();
    // let the last bookmarks and stream ends go out before the server stops
    deliveries.awaitTermination(2, java.util.concurrent.TimeUnit.SECONDS);
    timer.shutdownNow();
  }

}
