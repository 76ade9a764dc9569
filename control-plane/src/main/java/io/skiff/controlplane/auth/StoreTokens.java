package io.skiff.controlplane.auth;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Timestamp;
import io.grpc.Status;
import io.skiff.api.v1.StoredToken;
import io.skiff.api.v1.Token;
import io.skiff.client.DaemonThreads;
import io.skiff.controlplane.registry.ApiException;
import io.skiff.proto.etcd.Compare;
import io.skiff.proto.etcd.DeleteRangeRequest;
import io.skiff.proto.etcd.DeleteRangeResponse;
import io.skiff.proto.etcd.PutRequest;
import io.skiff.proto.etcd.RangeRequest;
import io.skiff.proto.etcd.RangeResponse;
import io.skiff.proto.etcd.RequestOp;
import io.skiff.proto.etcd.TxnRequest;
import io.skiff.proto.etcd.TxnResponse;
import io.skiff.proto.etcd.WatchCreateRequest;
import io.skiff.proto.mvcc.Event;
import io.skiff.proto.mvcc.KeyValue;
import io.skiff.store.Store;
import io.skiff.store.StoreException;
import io.skiff.store.mvcc.KeyRange;
import io.skiff.store.mvcc.WatchSink;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster's bearer tokens: stored under {@code /skiff/tokens/ID} as {@link StoredToken} (the
 * secret only as its SHA-256), and held in memory from a range read kept current by a store watch
 * on the prefix, so every master refuses a revoked token as soon as its own store peer applies the
 * deletion. A watch that the store ends because history it had yet to read was compacted is
 * replaced by a fresh list and watch. Expired tokens are refused by time and removed by a periodic
 * sweep (as Kubernetes' token cleaner does); every master sweeps, harmlessly: each deletion is a
 * compare-and-swap on the record it saw.
 *
 * <p>Thread-safe. Lifecycle: construct, {@link #start()}, {@link #close()}. The store watch is
 * made, replaced and handled on one thread ({@code events}), so its reports apply in order.
 */
public final class StoreTokens implements TokenLookup, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(StoreTokens.class);
  public static final String PREFIX = "/skiff/tokens/";
  public static final Duration DEFAULT_SWEEP_INTERVAL = Duration.ofMinutes(1);
  /** Draws before giving up on finding a free ID: with 36^6 IDs, a second collision means something is wrong. */
  private static final int CREATE_ATTEMPTS = 5;
  /** How long a write waits to see itself in memory; the watch is on this master's own peer, so normally milliseconds. */
  private static final Duration CATCH_UP = Duration.ofSeconds(5);
  private static final Duration RELIST_RETRY = Duration.ofSeconds(1);
  private static final ByteString PREFIX_KEY = ByteString.copyFromUtf8(PREFIX);

  private final Store store;
  private final Clock clock;
  private final Duration sweepInterval;
  private final Supplier<BearerToken> draw;
  private final ScheduledExecutorService events = Executors.newSingleThreadScheduledExecutor(
      DaemonThreads.named("token-watch"));
  private final ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(
      DaemonThreads.named("token-sweeper"));

  // guarded by this
  private final Map<String, Entry> tokens = new HashMap<>();
  /** Every change to the tokens up to this revision is in {@link #tokens}. */
  private long revision;
  private Store.Watch watch;
  private boolean closed;

  /** The sink of the current store watch; reports from an earlier one are ignored. Events thread only. */
  private Sink currentSink;

  /** A token as held in memory, with the revision that wrote it (the sweep deletes only that version). */
  private record Entry(StoredToken stored, long modRevision) {
  }

  /** A new token: the bearer "ID.SECRET", to hand out once, and the token. {@link #toString} hides the bearer. */
  public record Created(String bearer, Token token) {
    @Override
    public String toString() {
      return "Created[id=" + token.getId() + "]";
    }
  }

  /** {@code clock} decides expiry for {@link #find}, {@link #list} and the sweep. */
  public StoreTokens(Store store, Clock clock) {
    this(store, clock, DEFAULT_SWEEP_INTERVAL);
  }

  public StoreTokens(Store store, Clock clock, Duration sweepInterval) {
    this(store, clock, sweepInterval, secureDraw());
  }

  /** With the source of new tokens given: tests use it to force ID collisions. */
  StoreTokens(Store store, Clock clock, Duration sweepInterval, Supplier<BearerToken> draw) {
    if (sweepInterval.isNegative() || sweepInterval.isZero()) {
      throw new IllegalArgumentException("the token sweep interval must be positive, not " + sweepInterval);
    }
    this.store = store;
    this.clock = clock;
    this.sweepInterval = sweepInterval;
    this.draw = draw;
  }

  private static Supplier<BearerToken> secureDraw() {
    SecureRandom random = new SecureRandom();
    return () -> BearerToken.generate(random);
  }

  /** Lists the tokens and starts following the store, and the sweep. Blocks until the list is loaded. */
  public void start() {
    try {
      CompletableFuture.runAsync(this::load, events).join();
    } catch (CompletionException e) {
      throw translate(e.getCause());
    }
    long millis = sweepInterval.toMillis();
    sweeper.scheduleWithFixedDelay(this::sweepQuietly, millis, millis, TimeUnit.MILLISECONDS);
  }

  @Override
  public Optional<StoredToken> find(String id) {
    return entry(id).map(Entry::stored).filter(stored -> !TokenLookup.expired(stored.getToken(), clock.instant()));
  }

  /** Every token that has not expired, by ID; never their secrets. */
  public List<Token> list() {
    Instant now = clock.instant();
    List<Entry> entries;
    synchronized (this) {
      entries = List.copyOf(tokens.values());
    }
    return entries.stream().map(e -> e.stored().getToken()).filter(t -> !TokenLookup.expired(t, now))
        .sorted(Comparator.comparing(Token::getId)).toList();
  }

  /**
   * Stores a new token under an unused ID (a create-only transaction; a taken ID draws another) and
   * returns once this master holds it. The caller has validated the fields.
   *
   * @param ttl null: never expires
   */
  public Created create(TokenPurpose purpose, String user, List<String> groups, String description, Duration ttl,
      String createdBy, Clock clock) {
    if (ttl != null && (ttl.isNegative() || ttl.isZero())) {
      throw new IllegalArgumentException("a token's ttl must be positive, not " + ttl);
    }
    Instant now = clock.instant();
    for (int attempt = 0; attempt < CREATE_ATTEMPTS; attempt++) {
      BearerToken bearer = draw.get();
      Token.Builder token = Token.newBuilder().setId(bearer.id()).setPurpose(purpose.wire()).setUser(user)
          .addAllGroups(groups).setDescription(description).setCreated(timestamp(now)).setCreatedBy(createdBy);
      if (ttl != null) {
        token.setExpires(timestamp(now.plus(ttl)));
      }
      StoredToken stored = StoredToken.newBuilder().setToken(token)
          .setSecretSha256(ByteString.copyFrom(bearer.secretSha256())).build();
      ByteString key = key(bearer.id());
      TxnResponse response = await(store.txn(TxnRequest.newBuilder()
          .addCompare(Compare.newBuilder().setKey(key).setTarget(Compare.CompareTarget.CREATE)
              .setResult(Compare.CompareResult.EQUAL).setCreateRevision(0))
          .addSuccess(RequestOp.newBuilder().setRequestPut(PutRequest.newBuilder().setKey(key)
              .setValue(stored.toByteString())))
          .build()));
      if (response.getSucceeded()) {
        awaitRevision(response.getHeader().getRevision());
        return new Created(bearer.text(), stored.getToken());
      }
      log.debug("token ID {} is taken; drawing another", bearer.id());
    }
    throw new ApiException(Status.Code.INTERNAL, "no unused token ID found in " + CREATE_ATTEMPTS + " draws");
  }

  /**
   * Deletes the token (given by its ID, or as "ID.SECRET" as kubeadm accepts) and returns what it
   * was, once this master no longer knows it.
   */
  public Token revoke(String idOrBearer) {
    int dot = idOrBearer.indexOf('.');
    String id = dot < 0 ? idOrBearer : idOrBearer.substring(0, dot);
    if (!BearerToken.isId(id)) {
      // not echoed: what was given may be a secret pasted in the wrong place
      throw ApiException.invalid("id: a token ID is 6 characters [a-z0-9] (the part of ID.SECRET before the dot)");
    }
    DeleteRangeResponse response = await(store.deleteRange(DeleteRangeRequest.newBuilder().setKey(key(id))
        .setPrevKv(true).build()));
    if (response.getDeleted() == 0) {
      throw new ApiException(Status.Code.NOT_FOUND, "token \"" + id + "\" not found");
    }
    awaitRevision(response.getHeader().getRevision());
    return parse(response.getPrevKvs(0)).map(StoredToken::getToken).orElse(Token.newBuilder().setId(id).build());
  }

  /** Deletes every expired token this master knows of; returns how many it deleted. */
  public int sweepExpired() {
    Instant now = clock.instant();
    Map<String, Entry> snapshot;
    synchronized (this) {
      snapshot = Map.copyOf(tokens);
    }
    int deleted = 0;
    for (Map.Entry<String, Entry> e : snapshot.entrySet()) {
      Token token = e.getValue().stored().getToken();
      if (!TokenLookup.expired(token, now)) {
        continue;
      }
      ByteString key = key(e.getKey());
      TxnResponse response = await(store.txn(TxnRequest.newBuilder()
          .addCompare(Compare.newBuilder().setKey(key).setTarget(Compare.CompareTarget.MOD)
              .setResult(Compare.CompareResult.EQUAL).setModRevision(e.getValue().modRevision()))
          .addSuccess(RequestOp.newBuilder().setRequestDeleteRange(DeleteRangeRequest.newBuilder().setKey(key)))
          .build()));
      if (response.getSucceeded()) {
        deleted++;
        log.info("removed expired token {} (purpose {}, user \"{}\")", token.getId(), token.getPurpose(),
            token.getUser());
      }
    }
    return deleted;
  }

  private void sweepQuietly() {
    try {
      sweepExpired();
    } catch (RuntimeException e) {
      log.warn("sweeping expired tokens failed, next try in {}: {}", sweepInterval, e.getMessage());
    }
  }

  private synchronized Optional<Entry> entry(String id) {
    return Optional.ofNullable(tokens.get(id));
  }

  // --- following the store ---

  /** Lists the prefix and watches it from the next revision. Runs on the events thread. */
  private void load() {
    RangeResponse list = await(store.range(RangeRequest.newBuilder().setKey(PREFIX_KEY)
        .setRangeEnd(KeyRange.prefixEnd(PREFIX_KEY)).build()));
    long listed = list.getHeader().getRevision();
    synchronized (this) {
      tokens.clear();
      for (KeyValue kv : list.getKvsList()) {
        put(kv);
      }
      revision = Math.max(revision, listed);
      notifyAll();
    }
    follow(listed + 1);
    log.info("tokens: {} at revision {}", list.getKvsCount(), listed);
  }

  /** {@link #load}, retried until it succeeds or this closes. Runs on the events thread. */
  private void relist() {
    try {
      load();
    } catch (RuntimeException e) {
      log.warn("tokens: relisting failed, retrying in {}: {}", RELIST_RETRY, e.getMessage());
      try {
        events.schedule(this::relist, RELIST_RETRY.toMillis(), TimeUnit.MILLISECONDS);
      } catch (RejectedExecutionException closing) {
        // closed meanwhile
      }
    }
  }

  /** Watches the prefix from {@code fromRevision}, replacing the previous watch. Runs on the events thread. */
  private void follow(long fromRevision) {
    Sink sink = new Sink();
    currentSink = sink;  // before watching: the store may report before watch() returns
    Store.Watch made = store.watch(WatchCreateRequest.newBuilder().setKey(PREFIX_KEY)
        .setRangeEnd(KeyRange.prefixEnd(PREFIX_KEY)).setStartRevision(fromRevision).setProgressNotify(true)
        .build(), sink);
    Store.Watch previous;
    synchronized (this) {
      if (closed) {
        previous = made;
      } else {
        previous = watch;
        watch = made;
      }
    }
    if (previous != null) {
      previous.cancel();
    }
  }

  /** A store watch's output; never blocks (it runs under the store's watch lock). */
  private final class Sink implements WatchSink {
    @Override
    public boolean send(List<Event> batch, long upTo) {
      handle(() -> apply(batch, upTo));
      return true;
    }

    @Override
    public boolean ready() {
      return true;
    }

    @Override
    public void compacted(long compactRevision) {
      handle(() -> {
        log.warn("tokens: the store compacted history the token watch had yet to read (to revision {}); "
            + "relisting", compactRevision);
        relist();
      });
    }

    @Override
    public void progress(long upTo) {
      handle(() -> {
        synchronized (StoreTokens.this) {
          advance(upTo);
        }
      });
    }

    /** Runs {@code report} on the events thread if this is still the current watch. */
    private void handle(Runnable report) {
      try {
        events.execute(() -> {
          if (currentSink == this) {
            report.run();
          }
        });
      } catch (RejectedExecutionException e) {
        // closed: the store must not see an error
      }
    }
  }

  private synchronized void apply(List<Event> batch, long upTo) {
    for (Event event : batch) {
      if (event.getType() == Event.EventType.DELETE) {
        tokens.remove(idOf(event.getKv().getKey()));
      } else {
        put(event.getKv());
      }
    }
    advance(upTo);
  }

  /** Under this. */
  private void put(KeyValue kv) {
    parse(kv).ifPresent(stored -> tokens.put(idOf(kv.getKey()), new Entry(stored, kv.getModRevision())));
  }

  /** Under this. */
  private void advance(long upTo) {
    if (upTo > revision) {
      revision = upTo;
      notifyAll();
    }
  }

  /** Waits, boundedly, until this master's copy reflects {@code target}: the caller's write is then visible here. */
  private synchronized void awaitRevision(long target) {
    long deadline = System.nanoTime() + CATCH_UP.toNanos();
    try {
      while (revision < target && !closed) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          log.warn("tokens: the store watch has not reached revision {} after {}; this master answers from "
              + "revision {} until it does", target, CATCH_UP, revision);
          return;
        }
        TimeUnit.NANOSECONDS.timedWait(this, left);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static Optional<StoredToken> parse(KeyValue kv) {
    try {
      return Optional.of(StoredToken.parseFrom(kv.getValue()));
    } catch (InvalidProtocolBufferException e) {
      log.warn("tokens: {} does not hold a StoredToken; ignored", kv.getKey().toStringUtf8());
      return Optional.empty();
    }
  }

  private static String idOf(ByteString key) {
    return key.substring(PREFIX_KEY.size()).toStringUtf8();
  }

  private static ByteString key(String id) {
    return ByteString.copyFromUtf8(PREFIX + id);
  }

  static Timestamp timestamp(Instant instant) {
    return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).setNanos(instant.getNano()).build();
  }

  static Instant instant(Timestamp timestamp) {
    return Instant.ofEpochSecond(timestamp.getSeconds(), timestamp.getNanos());
  }

  private static <R> R await(CompletableFuture<R> call) {
    try {
      return call.join();
    } catch (CompletionException e) {
      throw translate(e.getCause());
    }
  }

  /** A store failure as an API client should see it (as the registry answers them). */
  private static RuntimeException translate(Throwable failure) {
    if (failure instanceof StoreException store) {
      Status.Code code = switch (store.code()) {
        case UNAVAILABLE, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED -> Status.fromCodeValue(store.code().grpcCode)
            .getCode();
        default -> Status.Code.INTERNAL;
      };
      return new ApiException(code, "store: " + store.getMessage());
    }
    return failure instanceof RuntimeException r ? r : new IllegalStateException(failure);
  }

  @Override
  public void close() {
    sweeper.shutdownNow();
    Store.Watch last;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      last = watch;
      notifyAll();
    }
    if (last != null) {
      last.cancel();
    }
    events.shutdownNow();
  }
}
