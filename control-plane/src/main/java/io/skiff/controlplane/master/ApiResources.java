package io.skiff.controlplane.master;

import com.google.protobuf.Message;
import io.skiff.api.v1.Namespace;
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
    this.deliveries = Executors.newFixedThreadPool(2, daemon("watch-delivery"));
    this.timer = Executors.newSingleThreadScheduledExecutor(daemon("watch-timer"));
    Registry<Namespace> namespaces = new Registry<>(Kinds.NAMESPACES, store, null, clock, maxObjectBytes);
    NamespaceGate gate = new StoreNamespaceGate(namespaces);
    for (Kinds.Served<?> served : Kinds.ALL) {
      add(served.kind(), served.kind() == Kinds.NAMESPACES ? namespaces
          : new Registry<>(served.kind(), store, gate, clock, maxObjectBytes), store, cacheSettings);
    }
  }

  private <T extends Message> void add(Kind<T> kind, Registry<?> registry, Store store, WatchCacheSettings settings) {
    registries.put(kind, registry);
    caches.put(kind, new WatchCache<>(kind, store, settings, deliveries, timer));
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

  static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }
}
