package io.skiff.agent.pods;

import com.google.inject.Inject;
import com.google.inject.Singleton;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.skiff.agent.MasterApi;
import io.skiff.agent.node.NodeIdentity;
import io.skiff.agent.threads.AgentThreads;
import io.skiff.api.v1.ListRequest;
import io.skiff.api.v1.Pod;
import io.skiff.api.v1.WatchRequest;
import io.skiff.client.ResourceClient;
import io.skiff.client.ResumingWatch;
import io.skiff.client.WatchListener;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pods bound to this node, as the masters have them, in the manner of an informer: List, then a
 * {@link ResumingWatch} from the list's revision (it rides over master failures), and a fresh List
 * when the watch says its resume point is gone (OUT_OF_RANGE). Events that do not change a pod's
 * resource_version are dropped. Each change is reported by pod uid. Until the first List succeeds
 * the cache has not {@link #hasSynced synced}: nobody may conclude that a pod is gone.
 *
 * <p>Thread-safe; reads are lock-free. Objects handed out are immutable protos.
 */
@Singleton
public final class PodCache implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PodCache.class);
  private static final Duration MAX_RETRY = Duration.ofSeconds(5);

  private final ResourceClient<Pod> pods;
  private final String fieldSelector;
  private final Map<String, Pod> byUid = new ConcurrentHashMap<>();
  private final AgentThreads threads;
  private final ScheduledExecutorService lister;
  private volatile Consumer<String> onChange = uid -> { };
  private volatile Runnable onListed = () -> { };
  private volatile boolean synced;
  private volatile boolean closed;
  /** The current watch; replaced by each relist. Written by relists only, but read by close(). */
  private volatile ResumingWatch<Pod> watch;
  private Duration retry = Duration.ofMillis(200);

  @Inject
  public PodCache(MasterApi api, NodeIdentity node, AgentThreads threads) {
    this.pods = api.pods();
    this.fieldSelector = "spec.nodeName=" + node.name();
    this.threads = threads;
    this.lister = threads.scheduler("pod-lister", 1);
  }

  /**
   * Starts listing and watching; {@code listener} hears the uid of every pod that changed, appeared
   * or went, and {@code listed} runs after each successful List.
   */
  public void start(Consumer<String> listener, Runnable listed) {
    this.onChange = listener;
    this.onListed = listed;
    lister.execute(this::relist);
  }

  public boolean hasSynced() {
    return synced;
  }

  public Optional<Pod> get(String uid) {
    return Optional.ofNullable(byUid.get(uid));
  }

  public Collection<Pod> pods() {
    return List.copyOf(byUid.values());
  }

  public Optional<Pod> find(String namespace, String name) {
    return byUid.values().stream().filter(p -> p.getMetadata().getNamespace().equals(namespace)
        && p.getMetadata().getName().equals(name)).findFirst();
  }

  private void relist() {
    if (closed) {
      return;
    }
    ResumingWatch<Pod> old = watch;
    if (old != null) {
      old.close();
    }
    ResourceClient.Page<Pod> page;
    try {
      page = pods.list(ListRequest.newBuilder().setFieldSelector(fieldSelector).build());
    } catch (StatusRuntimeException e) {
      log.warn("cannot list this node's pods ({}); retrying in {} ms", e.getStatus(), retry.toMillis());
      lister.schedule(this::relist, retry.toMillis(), TimeUnit.MILLISECONDS);
      retry = retry.multipliedBy(2).compareTo(MAX_RETRY) > 0 ? MAX_RETRY : retry.multipliedBy(2);
      return;
    }
    retry = Duration.ofMillis(200);
    Set<String> gone = new HashSet<>(byUid.keySet());
    for (Pod pod : page.items()) {
      gone.remove(pod.getMetadata().getUid());
      put(pod);
    }
    for (String uid : gone) {
      byUid.remove(uid);
      onChange.accept(uid);
    }
    long revision = page.meta().getResourceVersion();
    log.info("listed {} pods bound to this node at revision {}", page.items().size(), revision);
    synced = true;
    watch = new ResumingWatch<>(pods, WatchRequest.newBuilder().setFieldSelector(fieldSelector)
        .setResourceVersion(revision).setAllowBookmarks(true).build(), new Listener(),
        threads.scheduler("watch-resume", 1));
    onListed.run();
  }

  private void put(Pod pod) {
    String uid = pod.getMetadata().getUid();
    Pod old = byUid.put(uid, pod);
    if (old == null || old.getMetadata().getResourceVersion() != pod.getMetadata().getResourceVersion()) {
      onChange.accept(uid);
    }
  }

  private final class Listener implements WatchListener<Pod> {
    @Override
    public void onEvent(String type, Pod pod) {
      switch (type) {
        case "ADDED", "MODIFIED" -> put(pod);
        case "DELETED" -> {
          if (byUid.remove(pod.getMetadata().getUid()) != null) {
            onChange.accept(pod.getMetadata().getUid());
          }
        }
        default -> {
          // BOOKMARK: only moves the resume point, which the watch keeps
        }
      }
    }

    @Override
    public void onEnd(Status status) {
      if (closed) {
        return;
      }
      log.info("watch of this node's pods ended ({}); listing again", status);
      lister.execute(PodCache.this::relist);
    }
  }

  @Override
  public void close() {
    closed = true;
    lister.shutdownNow();
    ResumingWatch<Pod> current = watch;
    if (current != null) {
      current.close();
    }
  }
}
