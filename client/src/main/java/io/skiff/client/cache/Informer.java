package io.skiff.client.cache;

import com.google.protobuf.Message;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.skiff.api.v1.ListRequest;
import io.skiff.api.v1.ObjectMeta;
import io.skiff.api.v1.WatchRequest;
import io.skiff.client.DaemonThreads;
import io.skiff.client.ResourceClient;
import io.skiff.client.ResumingWatch;
import io.skiff.client.WatchListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A local copy of the objects of one kind, kept current in the manner of
 * client-go's shared informer: a paged List, then a {@link ResumingWatch} from
 * the list's revision (it rides over master failures), and a fresh List when
 * the watch's resume point is gone (OUT_OF_RANGE), with the difference told to
 * the handlers as deletes and adds. Handlers run one at a time, in event order,
 * and should only enqueue work. Indexes find objects by a derived value (pods
 * by node, by owner). Its Lists and its watches' reopening run on timers of
 * their own, or on timers it is given (many informers can so share a pool).
 *
 * <p>Thread-safe. Objects handed out are immutable protos; never mutate them,
 * change a copy.
 */
public final class Informer<T extends Message> implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Informer.class);
  private static final int PAGE = 500;
  private static final Duration MAX_RETRY = Duration.ofSeconds(5);

  /** What an informer tells about changes. Defaults ignore. */
  public interface Handler<T> {
    default void onAdd(T object) {
    }

    default void onUpdate(T old, T object) {
    }

    default void onDelete(T object) {
    }

    /**
     * After each List has been told as adds, updates and deletes: the copy is now what the
     * masters had at its revision, so whatever it lacks is gone.
     */
    default void onListed() {
    }

    /** A handler that gives every object added, updated (the new one) or deleted to {@code changed}. */
    static <T> Handler<T> anyChange(java.util.function.Consumer<T> changed) {
      return new Handler<>() {
        @Override
        public void onAdd(T object) {
          changed.accept(object);
        }

        @Override
        public void onUpdate(T old, T object) {
          changed.accept(object);
        }

        @Override
        public void onDelete(T object) {
          changed.accept(object);
        }
      };
    }
  }

  private final ResourceClient<T> client;
  private final ListRequest selection;
  private final Map<String, T> byKey = new ConcurrentHashMap<>();
  private final Map<String, Function<T, List<String>>> indexers = new ConcurrentHashMap<>();
  /** index name → value → keys; guarded by {@code this}. */
  private final Map<String, Map<String, Set<String>>> indexes = new HashMap<>();
  private final List<Handler<T>> handlers = new CopyOnWriteArrayList<>();
  private final CountDownLatch synced = new CountDownLatch(1);
  /** Gives the informer a timer for its threads' name; what it is given it shuts down when done with it. */
  private final Function<String, ScheduledExecutorService> timers;
  private final ScheduledExecutorService lister;
  private volatile boolean closed;
  private volatile ResumingWatch<T> watch;
  private volatile long listedRevision;
  private Duration retry = Duration.ofMillis(200);

  /** Watches every object of the kind. */
  public Informer(ResourceClient<T> client) {
    this(client, ListRequest.getDefaultInstance());
  }

  /** Watches the objects a List with this namespace and these selectors returns (limit and continue are its own). */
  public Informer(ResourceClient<T> client, ListRequest selection) {
    this(client, selection, Informer::ownThread);
  }

  /**
   * As above, with its timers from {@code timers}, given the name their threads would have: one
   * for its Lists, and one for each watch it opens (to wait out the back-off of reopening it). Each
   * is shut down when what it serves stops.
   */
  public Informer(ResourceClient<T> client, ListRequest selection, Function<String, ScheduledExecutorService> timers) {
    this.client = client;
    this.selection = selection.toBuilder().clearLimit().clearContinue().build();
    this.timers = timers;
    this.lister = timers.apply("informer-" + client.type().resource());
  }

  private static ScheduledExecutorService ownThread(String name) {
    return Executors.newSingleThreadScheduledExecutor(DaemonThreads.named(name));
  }

  /** Adds an index before {@link #start}: {@code values} of an object are the index entries it is found under. */
  public Informer<T> addIndex(String name, Function<T, List<String>> values) {
    indexers.put(name, values);
    synchronized (this) {
      indexes.put(name, new HashMap<>());
    }
    return this;
  }

  /** Adds a handler before {@link #start}; it hears every object of the first List as an add. */
  public Informer<T> addHandler(Handler<T> handler) {
    handlers.add(handler);
    return this;
  }

  public Informer<T> start() {
    lister.execute(this::relist);
    return this;
  }

  public boolean hasSynced() {
    return synced.getCount() == 0;
  }

  /** Waits for the first List; false if it did not come in time. */
  public boolean awaitSynced(Duration timeout) throws InterruptedException {
    return synced.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  public Optional<T> get(String namespace, String name) {
    return Optional.ofNullable(byKey.get(key(namespace, name)));
  }

  public List<T> list() {
    return List.copyOf(byKey.values());
  }

  /** The objects an index has under {@code value}. */
  public List<T> byIndex(String index, String value) {
    List<T> found = new ArrayList<>();
    synchronized (this) {
      Map<String, Set<String>> entries = indexes.get(index);
      if (entries == null) {
        throw new IllegalArgumentException("no index " + index);
      }
      for (String key : entries.getOrDefault(value, Set.of())) {
        T object = byKey.get(key);
        if (object != null) {
          found.add(object);
        }
      }
    }
    return found;
  }

  /** The revision of the last List; the watch resumes from later ones. */
  public long listedRevision() {
    return listedRevision;
  }

  /** "namespace/name", or "name" for cluster-scoped objects: the key work queues use. */
  public static String key(String namespace, String name) {
    return namespace.isEmpty() ? name : namespace + "/" + name;
  }

  public static String key(ObjectMeta meta) {
    return key(meta.getNamespace(), meta.getName());
  }

  private void relist() {
    if (closed) {
      return;
    }
    ResumingWatch<T> old = watch;
    if (old != null) {
      old.close();
    }
    List<T> items = new ArrayList<>();
    long revision;
    try {
      revision = listAll(items);
    } catch (StatusRuntimeException e) {
      log.warn("cannot list {} ({}); retrying in {} ms", client.type().resource(), e.getStatus(), retry.toMillis());
      lister.schedule(this::relist, retry.toMillis(), TimeUnit.MILLISECONDS);
      retry = retry.multipliedBy(2).compareTo(MAX_RETRY) > 0 ? MAX_RETRY : retry.multipliedBy(2);
      return;
    }
    retry = Duration.ofMillis(200);
    synchronized (this) {
      Set<String> gone = new HashSet<>(byKey.keySet());
      for (T object : items) {
        gone.remove(key(client.meta(object)));
        safely("MODIFIED", object);
      }
      for (String key : gone) {
        T object = byKey.get(key);
        if (object != null) {
          safely("DELETED", object);
        }
      }
    }
    listedRevision = revision;
    log.debug("listed {} {} at revision {}", items.size(), client.type().resource(), revision);
    synced.countDown();
    synchronized (this) {
      for (Handler<T> handler : handlers) {
        try {
          handler.onListed();
        } catch (RuntimeException e) {
          log.error("a handler of {} failed after a List", client.type().resource(), e);
        }
      }
    }
    watch = new ResumingWatch<>(client, WatchRequest.newBuilder()
        .setNamespace(selection.getNamespace())
        .setLabelSelector(selection.getLabelSelector())
        .setFieldSelector(selection.getFieldSelector())
        .setResourceVersion(revision)
        .setAllowBookmarks(true)
        .build(), new Listener(), timers.apply("watch-resume"));
  }

  /** Every page of one consistent List; returns its revision. */
  private long listAll(List<T> into) {
    String next = "";
    long revision = 0;
    do {
      ListRequest.Builder request = selection.toBuilder().setLimit(PAGE).setContinue(next);
      ResourceClient.Page<T> page = client.list(request.build());
      into.addAll(page.items());
      if (revision == 0) {
        revision = page.meta().getResourceVersion();
      }
      next = page.meta().getContinue();
    } while (!next.isEmpty());
    return revision;
  }

  /** Applies one change to the copy, the indexes and the handlers; callers hold {@code this}. */
  private void apply(String type, T object) {
    String key = key(client.meta(object));
    if (type.equals("DELETED")) {
      T old = byKey.remove(key);
      if (old != null) {
        unindex(key, old);
        handlers.forEach(h -> h.onDelete(old));
      }
      return;
    }
    T old = byKey.put(key, object);
    if (old != null) {
      if (client.meta(old).getResourceVersion() == client.meta(object).getResourceVersion()) {
        return;
      }
      unindex(key, old);
    }
    index(key, object);
    if (old == null) {
      handlers.forEach(h -> h.onAdd(object));
    } else {
      handlers.forEach(h -> h.onUpdate(old, object));
    }
  }

  private void index(String key, T object) {
    indexers.forEach((name, values) -> {
      for (String value : values.apply(object)) {
        indexes.get(name).computeIfAbsent(value, v -> new HashSet<>()).add(key);
      }
    });
  }

  private void unindex(String key, T object) {
    indexers.forEach((name, values) -> {
      Map<String, Set<String>> entries = indexes.get(name);
      for (String value : values.apply(object)) {
        Set<String> keys = entries.get(value);
        if (keys != null && keys.remove(key) && keys.isEmpty()) {
          entries.remove(value);
        }
      }
    });
  }

  private void safely(String type, T object) {
    try {
      apply(type, object);
    } catch (RuntimeException e) {
      log.error("a handler of {} failed on {}", client.type().resource(), key(client.meta(object)), e);
    }
  }

  private final class Listener implements WatchListener<T> {
    @Override
    public void onEvent(String type, T object) {
      if (type.equals("BOOKMARK")) {
        return;  // only moves the resume point, which the watch keeps
      }
      synchronized (Informer.this) {
        safely(type, object);
      }
    }

    @Override
    public void onEnd(Status status) {
      if (closed) {
        return;
      }
      log.info("watch of {} ended ({}); listing again", client.type().resource(), status);
      lister.execute(Informer.this::relist);
    }
  }

  @Override
  public void close() {
    closed = true;
    lister.shutdownNow();
    ResumingWatch<T> current = watch;
    if (current != null) {
      current.close();
    }
  }
}
