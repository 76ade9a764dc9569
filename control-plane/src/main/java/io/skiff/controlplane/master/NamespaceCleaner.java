package io.skiff.controlplane.master;

import com.google.protobuf.Message;
import io.grpc.Status;
import io.skiff.api.v1.DeleteRequest;
import io.skiff.api.v1.ListRequest;
import io.skiff.api.v1.Namespace;
import io.skiff.controlplane.kinds.Kinds;
import io.skiff.controlplane.registry.ApiException;
import io.skiff.controlplane.registry.Kind;
import io.skiff.controlplane.registry.Registry;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Empties terminating namespaces: deletes every object in them (each with its
 * kind's deletion rules, so bound pods still stop gracefully), and once nothing
 * is left removes the namespace's content finalizer, which removes the
 * namespace. Level-triggered and idempotent, so every master may run it.
 */
final class NamespaceCleaner implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(NamespaceCleaner.class);

  private final ApiResources resources;
  private final ScheduledExecutorService timer;

  NamespaceCleaner(ApiResources resources, Duration interval) {
    this.resources = resources;
    this.timer = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
        io.skiff.client.DaemonThreads.named("namespace-cleaner"));
    timer.scheduleWithFixedDelay(this::sweep, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void sweep() {
    try {
      Registry<Namespace> namespaces = resources.registry(Kinds.NAMESPACES);
      for (Namespace namespace : namespaces.list(ListRequest.getDefaultInstance()).items()) {
        if (Kinds.terminating(namespace)) {
          clean(namespace.getMetadata().getName());
        }
      }
    } catch (ApiException e) {
      log.debug("namespace sweep skipped: {}", e.getMessage());
    } catch (RuntimeException e) {
      log.warn("namespace sweep failed", e);
    }
  }

  private void clean(String name) {
    int left = 0;
    for (Kind<?> kind : Kinds.ALL) {
      if (kind.namespaced()) {
        left += deleteAll(kind, name);
      }
    }
    if (left == 0) {
      resources.registry(Kinds.NAMESPACES).guaranteedUpdate("", name, 0, Kinds::contentRemoved);
      log.info("namespace {} is empty and removed", name);
    }
  }

  /** Deletes what is in the namespace; returns how many objects are still there. */
  private <T extends Message> int deleteAll(Kind<T> kind, String namespace) {
    Registry<T> registry = resources.registry(kind);
    var items = registry.list(ListRequest.newBuilder().setNamespace(namespace).build()).items();
    for (T item : items) {
      if (kind.meta(item).hasDeletionTimestamp()) {
        continue;
      }
      try {
        registry.delete(DeleteRequest.newBuilder().setNamespace(namespace).setName(kind.meta(item).getName()).build());
      } catch (ApiException e) {
        if (e.code() != Status.Code.NOT_FOUND) {
          throw e;
        }
      }
    }
    return items.size();
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
