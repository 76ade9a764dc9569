package io.skiff.controlplane.auth;

import static io.skiff.controlplane.testing.Eventually.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.skiff.api.v1.StoredToken;
import io.skiff.api.v1.Token;
import io.skiff.client.testing.ManualClock;
import io.skiff.controlplane.registry.ApiException;
import io.skiff.controlplane.testing.SingleStorePeer;
import io.skiff.proto.etcd.CompactionRequest;
import io.skiff.proto.etcd.RangeRequest;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** StoreTokens over a real single-peer store; a second instance over the same store stands for another master. */
class StoreTokensTest {
  private static final Set<TokenPurpose> USER = EnumSet.of(TokenPurpose.USER);
  private static final Duration NEVER_SWEEP = Duration.ofDays(1);

  @TempDir
  static Path dataDir;
  static SingleStorePeer peer;
  private final List<StoreTokens> opened = new ArrayList<>();

  @BeforeAll
  static void startStore() throws Exception {
    peer = SingleStorePeer.start(dataDir);
  }

  @AfterAll
  static void stopStore() throws Exception {
    if (peer != null) {
      peer.close();
    }
  }

  @AfterEach
  void closeTokens() {
    opened.forEach(StoreTokens::close);
  }

  private StoreTokens started(StoreTokens tokens) {
    opened.add(tokens);
    tokens.start();
    return tokens;
  }

  private StoreTokens started(Clock clock) {
    return started(new StoreTokens(peer.store(), clock, NEVER_SWEEP));
  }

  private static StoreTokens.Created createUser(StoreTokens tokens, String user, Duration ttl, Clock clock) {
    return tokens.create(TokenPurpose.USER, user, List.of("dev"), "for tests", ttl, "admin", clock);
  }

  @Test
  void createdTokensAreListedFoundVerifiedAndRevoked() {
    Clock clock = Clock.systemUTC();
    StoreTokens tokens = started(clock);
    StoreTokens.Created created = createUser(tokens, "alice", null, clock);

    Token token = created.token();
    assertTrue(created.bearer().matches("[a-z0-9]{6}\\.[a-z0-9]{32}"), "bearer has the form ID.SECRET");
    assertTrue(created.bearer().startsWith(token.getId() + "."));
    assertEquals("alice", token.getUser());
    assertEquals(List.of("dev"), token.getGroupsList());
    assertEquals("admin", token.getCreatedBy());
    assertFalse(token.hasExpires(), "user tokens never expire unless asked");
    assertFalse(created.toString().contains(created.bearer().substring(7)), "toString hides the secret");
    assertTrue(tokens.list().contains(token));
    assertEquals(token, tokens.verify(created.bearer(), USER, clock).orElseThrow());

    StoredToken stored = tokens.find(token.getId()).orElseThrow();
    String secret = created.bearer().substring(7);
    assertTrue(MessageDigest.isEqual(BearerToken.parse(created.bearer()).orElseThrow().secretSha256(),
        stored.getSecretSha256().toByteArray()), "the store keeps the secret's SHA-256");
    ByteString raw = peer.store().range(RangeRequest.newBuilder()
        .setKey(ByteString.copyFromUtf8(StoreTokens.PREFIX + token.getId())).build()).join().getKvs(0).getValue();
    assertFalse(raw.toStringUtf8().contains(secret), "the secret itself is never stored");

    assertEquals(token, tokens.revoke(token.getId()));
    assertTrue(tokens.find(token.getId()).isEmpty());
    assertTrue(tokens.verify(created.bearer(), USER, clock).isEmpty());
    assertFalse(tokens.list().contains(token));
    ApiException again = assertThrows(ApiException.class, () -> tokens.revoke(token.getId()));
    assertEquals(Status.Code.NOT_FOUND, again.code());
    assertEquals("token \"" + token.getId() + "\" not found", again.getMessage());
  }

  @Test
  void verifyRefusesWrongSecretsPurposesAndForms() {
    Clock clock = Clock.systemUTC();
    StoreTokens tokens = started(clock);
    StoreTokens.Created created = createUser(tokens, "bob", null, clock);
    String id = created.token().getId();

    assertTrue(tokens.verify(id + "." + "a".repeat(32), USER, clock).isEmpty(), "wrong secret");
    assertTrue(tokens.verify(created.bearer(), EnumSet.of(TokenPurpose.JOIN_AGENT), clock).isEmpty(), "purpose");
    assertTrue(tokens.verify(id, USER, clock).isEmpty(), "no secret");
    assertTrue(tokens.verify("", USER, clock).isEmpty());
    assertTrue(tokens.verify(created.bearer() + "x", USER, clock).isEmpty());
    assertTrue(tokens.verify(null, USER, clock).isEmpty());
  }

  @Test
  void revokingByBearerTakesTheIdAndAMalformedIdIsNotEchoed() {
    Clock clock = Clock.systemUTC();
    StoreTokens tokens = started(clock);
    StoreTokens.Created created = createUser(tokens, "carol", null, clock);
    assertEquals(created.token(), tokens.revoke(created.bearer()));

    ApiException bad = assertThrows(ApiException.class, () -> tokens.revoke("Not-An-Id-secretsecret"));
    assertEquals(Status.Code.INVALID_ARGUMENT, bad.code());
    assertFalse(bad.getMessage().contains("secretsecret"));
  }

  @Test
  void anotherMasterLearnsOfNewAndRevokedTokensFromTheWatch() {
    Clock clock = Clock.systemUTC();
    StoreTokens here = started(clock);
    StoreTokens there = started(clock);
    StoreTokens.Created created = createUser(here, "dave", null, clock);
    String id = created.token().getId();

    await(() -> there.verify(created.bearer(), USER, clock).isPresent(), "the other master knows the new token");
    here.revoke(id);
    await(() -> there.find(id).isEmpty(), "the other master forgets the revoked token");
    assertTrue(there.verify(created.bearer(), USER, clock).isEmpty());
  }

  @Test
  void aWatchEndedByCompactionIsReplacedByAFreshList() {
    Clock clock = Clock.systemUTC();
    StoreTokens here = started(clock);
    BreakableStore breakable = new BreakableStore(peer.store());
    StoreTokens there = started(new StoreTokens(breakable, clock, NEVER_SWEEP));
    StoreTokens.Created created = createUser(here, "erin", null, clock);
    String id = created.token().getId();
    await(() -> there.find(id).isPresent(), "the other master knows the new token");

    breakable.silence();
    long revoked = revokeAt(here, id);
    assertTrue(there.find(id).isPresent(), "a silenced watch misses the revocation");
    peer.store().compact(CompactionRequest.newBuilder().setRevision(revoked).build()).join();
    breakable.endSilenced(revoked);

    await(() -> there.find(id).isEmpty(), "the relisted master forgets the revoked token");
    StoreTokens.Created later = createUser(here, "erin", null, clock);
    await(() -> there.find(later.token().getId()).isPresent(), "the new watch follows the store");
  }

  private static long revokeAt(StoreTokens tokens, String id) {
    tokens.revoke(id);
    return peer.store().range(RangeRequest.newBuilder().setKey(ByteString.copyFromUtf8("/")).setCountOnly(true)
        .build()).join().getHeader().getRevision();
  }

  @Test
  void expiredTokensAreRefusedAndSwept() {
    ManualClock clock = new ManualClock(Instant.now());
    StoreTokens tokens = started(clock);
    StoreTokens.Created shortLived = createUser(tokens, "frank", Duration.ofHours(1), clock);
    StoreTokens.Created longLived = createUser(tokens, "grace", Duration.ofDays(30), clock);
    String id = shortLived.token().getId();
    assertEquals(clock.instant().plus(Duration.ofHours(1)),
        StoreTokens.instant(shortLived.token().getExpires()));
    assertTrue(tokens.verify(shortLived.bearer(), USER, clock).isPresent());

    clock.advance(Duration.ofHours(1));
    assertTrue(tokens.find(id).isEmpty(), "expired at its expiry");
    assertTrue(tokens.verify(shortLived.bearer(), USER, clock).isEmpty());
    assertFalse(tokens.list().contains(shortLived.token()));

    assertTrue(tokens.sweepExpired() >= 1);
    assertEquals(0, peer.store().range(RangeRequest.newBuilder()
        .setKey(ByteString.copyFromUtf8(StoreTokens.PREFIX + id)).setCountOnly(true).build()).join().getCount(),
        "the sweep deleted it from the store");
    assertTrue(tokens.verify(longLived.bearer(), USER, clock).isPresent(), "an unexpired token survives the sweep");
  }

  @Test
  void theSweepRunsOnItsOwn() {
    ManualClock clock = new ManualClock(Instant.now());
    StoreTokens tokens = started(new StoreTokens(peer.store(), clock, Duration.ofMillis(50)));
    StoreTokens observer = started(Clock.systemUTC());
    String id = createUser(tokens, "heidi", Duration.ofMinutes(5), clock).token().getId();
    await(() -> observer.find(id).isPresent(), "the observer knows the token");
    clock.advance(Duration.ofMinutes(10));
    await(() -> observer.find(id).isEmpty(), "the sweep removed the expired token from the store");
  }

  @Test
  void aTakenIdIsNeverReused() {
    Clock clock = Clock.systemUTC();
    BearerToken first = BearerToken.generate(new java.security.SecureRandom());
    BearerToken second = BearerToken.generate(new java.security.SecureRandom());
    Deque<BearerToken> draws = new ArrayDeque<>(List.of(first, first, second));
    StoreTokens tokens = started(new StoreTokens(peer.store(), clock, NEVER_SWEEP, draws::remove));

    StoreTokens.Created a = createUser(tokens, "ivan", null, clock);
    StoreTokens.Created b = createUser(tokens, "judy", null, clock);
    assertEquals(first.id(), a.token().getId());
    assertEquals(second.id(), b.token().getId(), "the second create drew again after finding the ID taken");
    assertEquals("ivan", tokens.find(first.id()).orElseThrow().getToken().getUser(), "the first is untouched");
  }

  @Test
  void concurrentCreatesGetDistinctIds() throws Exception {
    Clock clock = Clock.systemUTC();
    StoreTokens here = started(clock);
    StoreTokens there = started(clock);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<StoreTokens.Created>> futures = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        StoreTokens tokens = i % 2 == 0 ? here : there;
        futures.add(pool.submit(() -> createUser(tokens, "many", null, clock)));
      }
      Set<String> ids = new HashSet<>();
      for (Future<StoreTokens.Created> f : futures) {
        assertTrue(ids.add(f.get().token().getId()));
      }
      assertEquals(40, ids.size());
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void bearerTokensShowOnlyTheirId() {
    BearerToken token = BearerToken.generate(new java.security.SecureRandom());
    assertFalse(token.toString().contains(token.secret()));
    assertNotEquals(token.text(), token.toString());
    assertTrue(BearerToken.parse(token.text()).isPresent());
    assertTrue(BearerToken.parse(token.text().toUpperCase()).isEmpty());
  }
}
