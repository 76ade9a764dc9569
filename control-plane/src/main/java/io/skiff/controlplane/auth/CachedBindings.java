package io.skiff.controlplane.auth;

import com.google.protobuf.Message;
import io.skiff.api.v1.ClusterRoleBinding;
import io.skiff.api.v1.RoleBinding;
import io.skiff.api.v1.Subject;
import io.skiff.controlplane.registry.ApiException;
import io.skiff.controlplane.registry.Kind;
import io.skiff.controlplane.registry.ObjectFilter;
import io.skiff.controlplane.watch.CacheWatcher;
import io.skiff.controlplane.watch.WatchCache;
import io.skiff.controlplane.watch.WatchOutput;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bindings of a master: a {@link BindingIndex} kept up to date by watches on the RoleBinding and
 * ClusterRoleBinding watch caches (each starts with every current binding, then follows changes;
 * one the cache ends, as when it relists, starts over and replaces its scope whole).
 */
public final class CachedBindings implements Bindings, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(CachedBindings.class);

  private final BindingIndex index = new BindingIndex();
  private final List<Feed<?>> feeds;
  private volatile boolean closed;

  public CachedBindings(WatchCache<RoleBinding> roleBindings, Kind<RoleBinding> roleKind,
      WatchCache<ClusterRoleBinding> clusterBindings, Kind<ClusterRoleBinding> clusterKind) {
    feeds = List.of(
        new Feed<>(roleBindings, roleKind, true, RoleBinding::getRole, RoleBinding::getSubjectsList),
        new Feed<>(clusterBindings, clusterKind, false, ClusterRoleBinding::getRole,
            ClusterRoleBinding::getSubjectsList));
  }

  /** Starts both watches and waits until the index holds every binding of the caches. */
  public CachedBindings start(Duration patience) throws InterruptedException {
    for (Feed<?> feed : feeds) {
      feed.watch();
    }
    for (Feed<?> feed : feeds) {
      if (!feed.loaded.await(patience.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new IllegalStateException("the " + feed.kind.resource() + " did not load within " + patience);
      }
    }
    return this;
  }

  @Override
  public Set<Role> clusterRoles(Identity who) {
    return index.clusterRoles(who);
  }

  @Override
  public Set<Role> namespaceRoles(Identity who, String namespace) {
    return index.namespaceRoles(who, namespace);
  }

  @Override
  public void close() {
    closed = true;
    feeds.forEach(Feed::cancel);
  }

  /** One kind's watch into the index. Its output is called by one delivery pass at a time. */
  private final class Feed<T extends Message> implements WatchOutput<T> {
    private final WatchCache<T> cache;
    private final Kind<T> kind;
    private final boolean namespaced;
    private final Function<T, String> role;
    private final Function<T, List<Subject>> subjects;
    private final CountDownLatch loaded = new CountDownLatch(1);
    /** The initial objects of the current watch, until its first BOOKMARK; null after. */
    private List<BindingIndex.Binding> initial;
    private volatile CacheWatcher<T> watcher;

    Feed(WatchCache<T> cache, Kind<T> kind, boolean namespaced, Function<T, String> role,
        Function<T, List<Subject>> subjects) {
      this.cache = cache;
      this.kind = kind;
      this.namespaced = namespaced;
      this.role = role;
      this.subjects = subjects;
    }

    void watch() {
      initial = new ArrayList<>();
      watcher = cache.watch(ObjectFilter.everything(kind), 0, false, true, this);
    }

    void cancel() {
      CacheWatcher<T> current = watcher;
      if (current != null) {
        current.cancel();
      }
    }

    @Override
    public boolean isReady() {
      return true;
    }

    @Override
    public void send(String type, T object) {
      if (type.equals("BOOKMARK")) {
        if (initial != null) {
          index.replaceScope(namespaced, initial);
          initial = null;
          loaded.countDown();
        }
        return;
      }
      BindingIndex.Binding binding = binding(object);
      if (initial != null) {
        initial.add(binding);
      } else if (type.equals("DELETED")) {
        index.remove(binding.namespace(), binding.name());
      } else {
        index.put(binding.namespace(), binding.name(), binding.role(), binding.subjects());
      }
    }

    private BindingIndex.Binding binding(T object) {
      var meta = kind.meta(object);
      return new BindingIndex.Binding(namespaced ? meta.getNamespace() : "", meta.getName(), role.apply(object),
          subjects.apply(object));
    }

    @Override
    public void fail(ApiException error) {
      if (closed) {
        return;
      }
      log.info("bindings watch on {} ended ({}); reloading", kind.resource(), error.getMessage());
      try {
        watch();
      } catch (ApiException e) {
        log.warn("cannot watch {} again: authorization keeps the bindings it has", kind.resource(), e);
      }
    }

    @Override
    public void close() {
      // the cache is closing with the master
    }
  }
}
