package io.skiff.agent.pods;

import com.google.inject.Inject;
import com.google.inject.Singleton;
import io.skiff.agent.MasterApi;
import io.skiff.agent.node.NodeIdentity;
import io.skiff.agent.threads.AgentThreads;
import io.skiff.api.v1.ListRequest;
import io.skiff.api.v1.Pod;
import io.skiff.client.cache.Informer;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pods bound to this node, as the masters have them: an {@link Informer} of the pods whose
 * spec.nodeName is this node's, on the agent's timers, found by uid. Each change is reported by
 * pod uid. Until the first List succeeds the cache has not {@link #hasSynced synced}: nobody may
 * conclude that a pod is gone.
 *
 * <p>Thread-safe. Objects handed out are immutable protos.
 */
@Singleton
public final class PodCache implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PodCache.class);
  private static final String BY_UID = "uid";

  private final String node;
  private final Informer<Pod> informer;

  @Inject
  public PodCache(MasterApi api, NodeIdentity node, AgentThreads threads) {
    this.node = node.name();
    this.informer = new Informer<>(api.pods(), ListRequest.newBuilder().setFieldSelector("spec.nodeName=" + node.name())
        .build(), name -> threads.scheduler(name, 1))
        .addIndex(BY_UID, pod -> List.of(uid(pod)));
  }

  /**
   * Starts listing and watching; {@code listener} hears the uid of every pod that changed, appeared
   * or went, and {@code listed} runs after each successful List.
   */
  public void start(Consumer<String> listener, Runnable listed) {
    informer.addHandler(new Informer.Handler<>() {
      @Override
      public void onAdd(Pod pod) {
        listener.accept(uid(pod));
      }

      @Override
      public void onUpdate(Pod old, Pod pod) {
        if (!uid(old).equals(uid(pod))) {
          listener.accept(uid(old));  // a namesake replaced it while the watch was down
        }
        listener.accept(uid(pod));
      }

      @Override
      public void onDelete(Pod pod) {
        listener.accept(uid(pod));
      }

      @Override
      public void onListed() {
        log.info("listed {} pods bound to node {} at revision {}", informer.list().size(), node,
            informer.listedRevision());
        listed.run();
      }
    }).start();
  }

  public boolean hasSynced() {
    return informer.hasSynced();
  }

  public Optional<Pod> get(String uid) {
    return informer.byIndex(BY_UID, uid).stream().findFirst();
  }

  public Collection<Pod> pods() {
    return informer.list();
  }

  public Optional<Pod> find(String namespace, String name) {
    return informer.get(namespace, name);
  }

  private static String uid(Pod pod) {
    return pod.getMetadata().getUid();
  }

  @Override
  public void close() {
    informer.close();
  }
}
