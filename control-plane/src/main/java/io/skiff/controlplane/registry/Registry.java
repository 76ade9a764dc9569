package io.skiff.controlplane.registry;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import com.google.protobuf.Timestamp;
import io.grpc.Status;
import io.skiff.api.v1.DeleteRequest;
import io.skiff.api.v1.ListMeta;
import io.skiff.api.v1.ListRequest;
import io.skiff.api.v1.ObjectMeta;
import io.skiff.client.FencingToken;
import io.skiff.controlplane.validation.FieldErrors;
import io.skiff.controlplane.validation.ValidationException;
import io.skiff.proto.etcd.Compare;
import io.skiff.proto.etcd.RangeRequest;
import io.skiff.proto.etcd.RangeResponse;
import io.skiff.proto.etcd.RequestOp;
import io.skiff.proto.etcd.DeleteRangeRequest;
import io.skiff.proto.etcd.PutRequest;
import io.skiff.proto.etcd.TxnRequest;
import io.skiff.proto.etcd.TxnResponse;
import io.skiff.proto.mvcc.KeyValue;
import io.skiff.store.Store;
import io.skiff.store.mvcc.KeyRange;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * Storage for one kind, with Kubernetes' semantics: server-set metadata,
 * optimistic concurrency on resource_version (the store's mod_revision),
 * spec and status written by different verbs, graceful deletion and
 * finalizers, consistent paged lists. Every write is one compare-and-swap
 * transaction on one key, so nothing is ever half-written.
 *
 * <p>Calls block until the store answers; they throw {@link ApiException}.
 */
public final class Registry<T extends Message> {
  /** Conflicts retried by writes that carry no resource_version precondition. */
  private static final int MAX_ATTEMPTS = 16;
  private static final Set<String> PROPAGATION_POLICIES = Set.of("", "Background", "Foreground", "Orphan");
  /** What holds an object deleted with these policies until the garbage collector has dealt with its dependents. */
  private static final java.util.Map<String, String> PROPAGATION_FINALIZERS = java.util.Map.of(
      "Foreground", "foregroundDeletion", "Orphan", "orphan");
  private static final String SUFFIX_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";

  private final Kind<T> kind;
  private final Store store;
  private final NamespaceGate namespaces;
  private final Clock clock;
  private final int maxObjectBytes;
  private final Function<ByteString, Optional<Stored<T>>> cached;
  private final SecureRandom random = new SecureRandom();

  /**
   * @param namespaces admits creates into namespaces (null for cluster-scoped kinds)
   * @param cached a recent copy of an object by key (the watch cache), where writes start; null for none
   */
  public Registry(Kind<T> kind, Store store, NamespaceGate namespaces, Function<ByteString, Optional<Stored<T>>> cached,
      Clock clock, int maxObjectBytes) {
    this.kind = kind;
    this.store = store;
    this.namespaces = namespaces;
    this.cached = cached;
    this.clock = clock;
    this.maxObjectBytes = maxObjectBytes;
  }

  public Kind<T> kind() {
    return kind;
  }

  // ---- create ----

  public T create(T object) {
    checkType(object);
    ObjectMeta in = kind.meta(object);
    if (in.getResourceVersion() != 0) {
      throw ApiException.invalid("metadata.resourceVersion: Invalid value: " + in.getResourceVersion()
          + ": must not be set on create");
    }
    String namespace = namespaceOf(in);
    boolean generated = in.getName().isEmpty() && !in.getGenerateName().isEmpty();
    for (int attempt = 0; ; attempt++) {
      String name = generated ? in.getGenerateName() + randomSuffix() : in.getName();
      ObjectMeta meta = in.toBuilder()
          .setName(name)
          .setNamespace(namespace)
          .setUid(UUID.randomUUID().toString())
          .setCreationTimestamp(now())
          .setGeneration(1)
          .clearDeletionTimestamp()
          .clearDeletionGracePeriodSeconds()
          .build();
      T candidate = kind.strategy().defaults(kind.strategy().prepareForCreate(kind.withMeta(object, meta)));
      validate(candidate, null);
      try {
        return insert(candidate, namespace, name);
      } catch (ApiException e) {
        if (!generated || e.code() != Status.Code.ALREADY_EXISTS || attempt >= 3) {
          throw e;
        }
      }
    }
  }

  private T insert(T object, String namespace, String name) {
    ByteString key = kind.key(namespace, name);
    ByteString value = encode(object, name);
    for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      TxnRequest.Builder txn = TxnRequest.newBuilder()
          .addCompare(Compare.newBuilder().setKey(key).setTarget(Compare.CompareTarget.CREATE)
              .setResult(Compare.CompareResult.EQUAL).setCreateRevision(0))
          .addSuccess(put(key, value))
          .addFailure(RequestOp.newBuilder().setRequestRange(RangeRequest.newBuilder().setKey(key).setCountOnly(true)));
      if (kind.namespaced()) {
        txn.addCompare(namespaces.requireActive(namespace, attempt > 0));
      }
      String holder = kind.strategy().fenceHolder(object);
      if (holder != null) {
        txn.addSuccess(Fence.move(namespace, name, holder));
      }
      TxnResponse response = StoreCalls.await(store.txn(fenced(txn).build()));
      checkFence(response);
      if (response.getSucceeded()) {
        return kind.forClient(object, response.getHeader().getRevision());
      }
      if (response.getResponses(0).getResponseRange().getCount() > 0) {
        throw new ApiException(Status.Code.ALREADY_EXISTS, kind.resource() + " \"" + name + "\" already exists");
      }
      // the namespace changed between our read and the write: look again
    }
    throw conflictRetriesExhausted(name);
  }

  // ---- read ----

  public T get(String namespace, String name) {
    return read(namespace, name).map(s -> kind.forClient(s.object(), s.revision()))
        .orElseThrow(() -> ApiException.notFound(kind, name));
  }

  /** The stored object with its revision (linearizable), if any. */
  public Optional<Stored<T>> read(String namespace, String name) {
    RangeResponse response = StoreCalls.await(store.range(RangeRequest.newBuilder()
        .setKey(kind.key(requestNamespace(namespace), name)).build()));
    if (response.getKvsCount() == 0) {
      return Optional.empty();
    }
    KeyValue kv = response.getKvs(0);
    return Optional.of(new Stored<>(kind.parse(kv.getValue()), kv.getModRevision()));
  }

  /** A consistent page of matching objects: every page of one listing reads the same store revision. */
  public ListPage<T> list(ListRequest request) {
    if (request.getLimit() < 0) {
      throw ApiException.invalid("limit: Invalid value: " + request.getLimit() + ": must be 0 or more");
    }
    ObjectFilter<T> filter = ObjectFilter.of(kind, request.getNamespace(), request.getLabelSelector(),
        request.getFieldSelector());
    ByteString prefix = kind.prefix(filter.namespace());
    ByteString end = KeyRange.prefixEnd(prefix);
    long revision = 0;
    ByteString from = prefix;
    if (!request.getContinue().isEmpty()) {
      ContinueToken token = ContinueToken.decode(request.getContinue());
      if (!token.nextKey().startsWith(prefix)) {
        throw ApiException.invalid("continue: the token belongs to another listing");
      }
      revision = token.revision();
      from = token.nextKey();
    }
    long limit = request.getLimit();
    List<T> items = new ArrayList<>();
    while (true) {
      RangeResponse response;
      try {
        response = StoreCalls.await(store.range(RangeRequest.newBuilder().setKey(from).setRangeEnd(end)
            .setRevision(revision).setLimit(limit == 0 ? 0 : Math.max(limit + 1, 256)).build()));
      } catch (ApiException e) {
        if (e.code() == Status.Code.OUT_OF_RANGE) {
          // the store says the same for a revision compacted away and one it has not reached
          if (revision > currentRevision()) {
            throw ApiException.invalid("continue: not a token this server issued: its revision " + revision
                + " is in the future");
          }
          throw new ApiException(Status.Code.OUT_OF_RANGE,
              "continue: the listing's revision " + revision + " was compacted; list again from the start");
        }
        throw e;
      }
      if (revision == 0) {
        revision = response.getHeader().getRevision();
      }
      List<KeyValue> kvs = response.getKvsList();
      for (int i = 0; i < kvs.size(); i++) {
        KeyValue kv = kvs.get(i);
        T object = kind.parse(kv.getValue());
        if (filter.matches(object)) {
          items.add(kind.forClient(object, kv.getModRevision()));
        }
        boolean more = i + 1 < kvs.size() || response.getMore();
        if (limit > 0 && items.size() == limit && more) {
          ByteString next = kv.getKey().concat(ByteString.copyFrom(new byte[] {0}));
          return new ListPage<>(items, ListMeta.newBuilder().setResourceVersion(revision)
              .setContinue(new ContinueToken(revision, next).encode()).build());
        }
      }
      if (!response.getMore() || kvs.isEmpty()) {
        return new ListPage<>(items, ListMeta.newBuilder().setResourceVersion(revision).build());
      }
      from = kvs.get(kvs.size() - 1).getKey().concat(ByteString.copyFrom(new byte[] {0}));
    }
  }

  private long currentRevision() {
    return StoreCalls.await(store.range(RangeRequest.newBuilder().setKey(kind.prefix()).setCountOnly(true).build()))
        .getHeader().getRevision();
  }

  /** One page of a List. */
  public record ListPage<T>(List<T> items, ListMeta meta) {
  }

  // ---- update ----

  /** Writes metadata and spec; keeps status. A non-zero resource_version must be current. */
  public T update(T object) {
    checkType(object);
    ObjectMeta in = kind.meta(object);
    return guaranteedUpdate(namespaceOf(in), in.getName(), in.getResourceVersion(), old -> {
      ObjectMeta current = kind.meta(old);
      checkImmutableMeta(in, current);
      if (current.hasDeletionTimestamp()) {
        for (String finalizer : in.getFinalizersList()) {
          if (!current.getFinalizersList().contains(finalizer)) {
            throw ApiException.invalid("metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizer \"" + finalizer + "\"");
          }
        }
      }
      ObjectMeta meta = current.toBuilder()
          .clearLabels().putAllLabels(in.getLabelsMap())
          .clearAnnotations().putAllAnnotations(in.getAnnotationsMap())
          .clearOwnerReferences().addAllOwnerReferences(in.getOwnerReferencesList())
          .clearFinalizers().addAllFinalizers(in.getFinalizersList())
          .build();
      T candidate = kind.withMeta(object, meta);
      if (kind.hasStatus()) {
        candidate = kind.withStatus(candidate, kind.status(old));
      }
      candidate = kind.strategy().defaults(kind.strategy().prepareForUpdate(candidate, old));
      validate(candidate, old);
      Message spec = kind.spec(candidate);
      if (spec != null && !spec.equals(kind.spec(old))) {
        candidate = kind.withMeta(candidate, kind.meta(candidate).toBuilder().setGeneration(current.getGeneration() + 1).build());
      }
      return candidate;
    });
  }

  /** Writes status only; metadata and spec stay as stored. */
  public T updateStatus(T object) {
    if (!kind.hasStatus()) {
      throw new ApiException(Status.Code.UNIMPLEMENTED, kind.resource() + " have no status");
    }
    checkType(object);
    ObjectMeta in = kind.meta(object);
    return guaranteedUpdate(namespaceOf(in), in.getName(), in.getResourceVersion(), old -> {
      checkImmutableMeta(in, kind.meta(old));
      T candidate = kind.withStatus(old, kind.status(object));
      validate(candidate, old);
      return candidate;
    });
  }

  /**
   * Read, change, compare-and-swap, retried on conflict: the one write path
   * for updates. {@code change} sees the stored object and may throw
   * ApiException. With a non-zero {@code precondition} a conflict is ABORTED.
   * An object being deleted whose last finalizer goes is removed, unless it is
   * in its grace period (a pod stopping: its final Delete removes it).
   */
  public T guaranteedUpdate(String namespace, String name, long precondition, UnaryOperator<T> change) {
    ByteString key = kind.key(namespace, name);
    for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      // the first attempt starts from the watch cache's copy: the compare-and-swap refuses a stale one,
      // and any answer other than a write is only given from the store's own copy
      boolean guess = attempt == 0 && cached != null;
      Stored<T> current = startingPoint(namespace, name, guess);
      if (current == null) {
        continue;
      }
      if (precondition != 0 && precondition != current.revision()) {
        if (guess) {
          continue;
        }
        throw conflict(name, current.revision());
      }
      T updated;
      try {
        updated = change.apply(current.object());
      } catch (ApiException e) {
        if (guess) {
          continue;
        }
        throw e;
      }
      // compared as stored: what a client sends back carries api_version, kind and resource_version
      if (kind.forStore(updated).equals(current.object())) {
        if (guess) {
          continue;
        }
        return kind.forClient(current.object(), current.revision());
      }
      ObjectMeta meta = kind.meta(updated);
      boolean remove = meta.hasDeletionTimestamp() && meta.getDeletionGracePeriodSeconds() == 0 && !held(updated);
      RequestOp op = remove ? delete(key) : put(key, encode(updated, name));
      String holder = remove ? null : kind.strategy().fenceHolder(updated);
      RequestOp fence = holder == null || holder.equals(kind.strategy().fenceHolder(current.object())) ? null
          : Fence.move(namespace, name, holder);
      TxnResponse response = casWrite(key, current.revision(), op, fence);
      if (response.getSucceeded()) {
        return kind.forClient(updated, response.getHeader().getRevision());
      }
      if (precondition != 0) {
        throw conflict(name, modRevisionIn(response));
      }
    }
    throw conflictRetriesExhausted(name);
  }

  // ---- delete ----

  /**
   * Deletes at once when nothing holds the object and the grace period is 0;
   * otherwise marks it (deletion_timestamp) and leaves it for its finalizers or
   * its grace period. Returns the object as it was when deleted or marked.
   */
  public T delete(DeleteRequest request) {
    if (!PROPAGATION_POLICIES.contains(request.getPropagationPolicy())) {
      throw ApiException.invalid("propagationPolicy: Unsupported value: \"" + request.getPropagationPolicy()
          + "\": supported values: \"Background\", \"Foreground\", \"Orphan\"");
    }
    if (request.hasGracePeriodSeconds() && request.getGracePeriodSeconds() < 0) {
      throw ApiException.invalid("gracePeriodSeconds: Invalid value: " + request.getGracePeriodSeconds()
          + ": must be 0 or more");
    }
    String namespace = requestNamespace(request.getNamespace());
    String name = request.getName();
    ByteString key = kind.key(namespace, name);
    for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      boolean guess = attempt == 0 && cached != null;  // as in guaranteedUpdate
      Stored<T> current = startingPoint(namespace, name, guess);
      if (current == null) {
        continue;
      }
      T object = current.object();
      ObjectMeta meta = kind.meta(object);
      String finalizer = PROPAGATION_FINALIZERS.get(request.getPropagationPolicy());
      if (finalizer != null && !meta.hasDeletionTimestamp() && !meta.getFinalizersList().contains(finalizer)) {
        // the garbage collector does the rest: deletes the dependents first, or orphans them; then the finalizer goes
        meta = meta.toBuilder().addFinalizers(finalizer).build();
        object = kind.withMeta(object, meta);
      }
      // only what the strategy deletes gracefully (a bound, running pod) takes a grace period at all
      long byDefault = kind.strategy().defaultGracePeriodSeconds(object);
      long grace = byDefault == 0 ? 0 : request.hasGracePeriodSeconds() ? request.getGracePeriodSeconds() : byDefault;
      boolean removeNow = grace == 0 && !held(object);
      boolean mark = !removeNow && (!meta.hasDeletionTimestamp() || grace < meta.getDeletionGracePeriodSeconds());
      String refusal = kind.strategy().deletionRefusal(object);
      if (guess && (refusal != null || !(removeNow || mark) || !preconditionsHold(request, meta, current.revision()))) {
        continue;
      }
      checkPreconditions(request, meta, current.revision());
      if (refusal != null) {
        throw new ApiException(Status.Code.FAILED_PRECONDITION, refusal);
      }
      T result;
      RequestOp op;
      if (removeNow) {
        result = object;
        op = delete(key);
      } else if (mark) {
        Instant deadline = clock.instant().plusSeconds(grace);
        result = kind.strategy().markDeleting(kind.withMeta(object, meta.toBuilder()
            .setDeletionTimestamp(Timestamp.newBuilder().setSeconds(deadline.getEpochSecond()))
            .setDeletionGracePeriodSeconds(grace).build()));
        op = put(key, encode(result, name));
      } else {
        return kind.forClient(object, current.revision());
      }
      TxnResponse response = casWrite(key, current.revision(), op, null);
      if (response.getSucceeded()) {
        return kind.forClient(result, response.getHeader().getRevision());
      }
      if (request.getPreconditions().getResourceVersion() != 0) {
        throw conflict(name, modRevisionIn(response));
      }
    }
    throw conflictRetriesExhausted(name);
  }

  /**
   * The object a write starts from: with {@code guess}, the watch cache's copy
   * (null when it has none: look again in the store); otherwise the store's,
   * NOT_FOUND when there is none.
   */
  private Stored<T> startingPoint(String namespace, String name, boolean guess) {
    if (guess) {
      return cached.apply(kind.key(namespace, name)).orElse(null);
    }
    return read(namespace, name).orElseThrow(() -> ApiException.notFound(kind, name));
  }

  private static boolean preconditionsHold(DeleteRequest request, ObjectMeta meta, long revision) {
    String uid = request.getPreconditions().getUid();
    long rv = request.getPreconditions().getResourceVersion();
    return (uid.isEmpty() || uid.equals(meta.getUid())) && (rv == 0 || rv == revision);
  }

  private void checkPreconditions(DeleteRequest request, ObjectMeta meta, long revision) {
    String uid = request.getPreconditions().getUid();
    if (!uid.isEmpty() && !uid.equals(meta.getUid())) {
      throw new ApiException(Status.Code.FAILED_PRECONDITION, "Precondition failed: UID in precondition: " + uid
          + ", UID in object meta: " + meta.getUid());
    }
    long rv = request.getPreconditions().getResourceVersion();
    if (rv != 0 && rv != revision) {
      throw conflict(meta.getName(), revision);
    }
  }

  private boolean held(T object) {
    return kind.meta(object).getFinalizersCount() > 0 || kind.strategy().heldBeyondFinalizers(object);
  }

  // ---- helpers ----

  /** Writes {@code op} (and {@code also}, if not null) if the key is still at {@code modRevision}. */
  private TxnResponse casWrite(ByteString key, long modRevision, RequestOp op, RequestOp also) {
    TxnRequest.Builder txn = TxnRequest.newBuilder()
        .addCompare(Compare.newBuilder().setKey(key).setTarget(Compare.CompareTarget.MOD)
            .setResult(Compare.CompareResult.EQUAL).setModRevision(modRevision))
        .addSuccess(op)
        .addFailure(RequestOp.newBuilder().setRequestRange(RangeRequest.newBuilder().setKey(key).setKeysOnly(true)));
    if (also != null) {
      txn.addSuccess(also);
    }
    TxnResponse response = StoreCalls.await(store.txn(fenced(txn).build()));
    checkFence(response);
    return response;
  }

  /** Adds the caller's fence, if it sent a token: compared, and read back (second failure op) if the write fails. */
  private static TxnRequest.Builder fenced(TxnRequest.Builder txn) {
    FencingToken token = Fence.current();
    if (token != null) {
      txn.addCompare(Fence.unmoved(token)).addFailure(Fence.read(token));
    }
    return txn;
  }

  private static void checkFence(TxnResponse response) {
    FencingToken token = Fence.current();
    if (token != null && !response.getSucceeded()) {
      Fence.check(token, response.getResponses(1).getResponseRange());
    }
  }

  private static long modRevisionIn(TxnResponse failed) {
    RangeResponse range = failed.getResponses(0).getResponseRange();
    return range.getKvsCount() == 0 ? 0 : range.getKvs(0).getModRevision();
  }

  private static RequestOp put(ByteString key, ByteString value) {
    return RequestOp.newBuilder().setRequestPut(PutRequest.newBuilder().setKey(key).setValue(value)).build();
  }

  private static RequestOp delete(ByteString key) {
    return RequestOp.newBuilder().setRequestDeleteRange(DeleteRangeRequest.newBuilder().setKey(key)).build();
  }

  private ByteString encode(T object, String name) {
    ByteString bytes = kind.forStore(object).toByteString();
    if (bytes.size() > maxObjectBytes) {
      throw new ApiException(Status.Code.RESOURCE_EXHAUSTED, kind.describe(name) + " is " + bytes.size()
          + " bytes, over the limit of " + maxObjectBytes);
    }
    return bytes;
  }

  private void validate(T object, T old) {
    FieldErrors errors = new FieldErrors();
    ObjectMeta meta = kind.meta(object);
    MetadataValidation.validate(kind, meta, kind.strategy().nameProblems(meta.getName()), errors);
    kind.strategy().validate(object, errors);
    if (old != null) {
      kind.strategy().validateUpdate(object, old, errors);
    }
    try {
      errors.throwIfAny(kind.kind(), meta.getName());
    } catch (ValidationException e) {
      throw ApiException.invalid(e.getMessage());
    }
  }

  private void checkType(T object) {
    String apiVersion = kind.typeApiVersion(object);
    String typeKind = kind.typeKind(object);
    if (!apiVersion.isEmpty() && !apiVersion.equals(kind.apiVersion())) {
      throw ApiException.invalid("apiVersion: Invalid value: \"" + apiVersion + "\": " + kind.kind() + " is served as \""
          + kind.apiVersion() + "\"");
    }
    if (!typeKind.isEmpty() && !typeKind.equals(kind.kind())) {
      throw ApiException.invalid("kind: Invalid value: \"" + typeKind + "\": this service serves " + kind.kind());
    }
  }

  private void checkImmutableMeta(ObjectMeta in, ObjectMeta current) {
    if (!in.getUid().isEmpty() && !in.getUid().equals(current.getUid())) {
      throw ApiException.invalid("metadata.uid: Invalid value: \"" + in.getUid() + "\": field is immutable");
    }
  }

  /** The namespace an object goes in: "default" when a namespaced object names none. */
  private String namespaceOf(ObjectMeta meta) {
    if (!kind.namespaced()) {
      if (!meta.getNamespace().isEmpty()) {
        throw ApiException.invalid("metadata.namespace: Forbidden: " + kind.resource() + " are not namespaced");
      }
      return "";
    }
    return meta.getNamespace().isEmpty() ? "default" : meta.getNamespace();
  }

  private String requestNamespace(String namespace) {
    if (!kind.namespaced()) {
      if (!namespace.isEmpty()) {
        throw ApiException.invalid("namespace: Forbidden: " + kind.resource() + " are not namespaced");
      }
      return "";
    }
    return namespace.isEmpty() ? "default" : namespace;
  }

  private ApiException conflict(String name, long currentRevision) {
    return new ApiException(Status.Code.ABORTED, "Operation cannot be fulfilled on " + kind.resource() + " \"" + name
        + "\": the object has been modified (current resource_version " + currentRevision
        + "); please apply your changes to the latest version and try again");
  }

  private ApiException conflictRetriesExhausted(String name) {
    return new ApiException(Status.Code.ABORTED, "Operation cannot be fulfilled on " + kind.resource() + " \"" + name
        + "\": too many concurrent writers; try again");
  }

  private Timestamp now() {
    return Timestamp.newBuilder().setSeconds(clock.instant().getEpochSecond()).build();
  }

  private String randomSuffix() {
    StringBuilder s = new StringBuilder(5);
    for (int i = 0; i < 5; i++) {
      s.append(SUFFIX_ALPHABET.charAt(random.nextInt(SUFFIX_ALPHABET.length())));
    }
    return s.toString();
  }
}
