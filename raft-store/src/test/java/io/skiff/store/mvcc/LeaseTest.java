package io.skiff.store.mvcc;

import static io.skiff.store.mvcc.Protos.LEASE_NOT_FOUND;
import static io.skiff.store.mvcc.Protos.all;
import static io.skiff.store.mvcc.Protos.assertError;
import static io.skiff.store.mvcc.Protos.bs;
import static io.skiff.store.mvcc.Protos.delete;
import static io.skiff.store.mvcc.Protos.entry;
import static io.skiff.store.mvcc.Protos.expire;
import static io.skiff.store.mvcc.Protos.get;
import static io.skiff.store.mvcc.Protos.getAt;
import static io.skiff.store.mvcc.Protos.grant;
import static io.skiff.store.mvcc.Protos.keepAlive;
import static io.skiff.store.mvcc.Protos.keys;
import static io.skiff.store.mvcc.Protos.only;
import static io.skiff.store.mvcc.Protos.put;
import static io.skiff.store.mvcc.Protos.range;
import static io.skiff.store.mvcc.Protos.req;
import static io.skiff.store.mvcc.Protos.revoke;
import static io.skiff.store.mvcc.Protos.timeToLive;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skiff.proto.etcd.LeaseStatus;
import io.skiff.proto.etcd.LeaseTimeToLiveResponse;
import io.skiff.proto.store.LogEntryResult;
import io.skiff.proto.store.StoreRequest;
import io.skiff.proto.store.StoreResponse;
import io.skiff.store.ErrorCode;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Leases through the state machine, with time taken only from log entries. */
class LeaseTest {
  private static final long T0 = 1_700_000_000_000L;
  private static final long ID = 1001;
  private StoreState state;

  @BeforeEach
  void setUp() {
    state = Protos.newState();
  }

  @AfterEach
  void tearDown() {
    state.close();
  }

  private StoreResponse at(long now, StoreRequest r) {
    return state.apply(entry(now, r)).getResponses(0);
  }

  private LeaseTimeToLiveResponse ttl(long id, long now) {
    StoreResponse resp = state.query(timeToLive(id, true), now);
    assertFalse(resp.hasError(), resp::toString);
    return resp.getLeaseTimeToLive();
  }

  /** Grants {@link #ID} for 10 s at T0 and attaches a and b to it: revisions 2 and 3. */
  private void grantWithKeys() {
    var granted = at(T0, grant(ID, 10)).getLeaseGrant();
    assertEquals(ID, granted.getID());
    assertEquals(10, granted.getTTL());
    at(T0, req(put("a", "1", ID)));
    at(T0, req(put("b", "1", ID)));
    at(T0, req(put("free", "1")));
    assertEquals(4, state.revision());
  }

  @Test
  void grantIsNotAWriteAndTimeToLiveCountsDownFromTheEntryClock() {
    at(T0, grant(ID, 10));
    assertEquals(1, state.revision(), "a grant writes no key");
    LeaseTimeToLiveResponse r = ttl(ID, T0);
    assertEquals(ID, r.getID());
    assertEquals(10, r.getGrantedTTL());
    assertEquals(10, r.getTTL());
    assertEquals(0, r.getKeysCount());
    assertEquals(6, ttl(ID, T0 + 3_500).getTTL(), "whole seconds left, rounded down");
    assertEquals(0, ttl(ID, T0 + 10_000).getTTL());
    assertEquals(0, ttl(ID, T0 + 60_000).getTTL(), "never negative while it waits for its expiry");
  }

  @Test
  void timeToLiveListsTheAttachedKeysOnlyWhenAsked() {
    grantWithKeys();
    LeaseTimeToLiveResponse r = ttl(ID, T0);
    assertEquals(List.of(bs("a"), bs("b")), r.getKeysList());
    LeaseTimeToLiveResponse noKeys = state.query(timeToLive(ID, false), T0).getLeaseTimeToLive();
    assertEquals(0, noKeys.getKeysCount());
    assertEquals(ID, only(range(state, get("a"))).getLease());
    assertEquals(0, only(range(state, get("free"))).getLease());
  }

  @Test
  void unknownLeaseTimeToLiveIsMinusOne() {
    LeaseTimeToLiveResponse r = ttl(4242, T0);
    assertEquals(-1, r.getTTL());
    assertEquals(4242, r.getID());
    assertEquals(1, r.getHeader().getRevision());
  }

  @Test
  void grantingAnExistingIdFails() {
    at(T0, grant(ID, 10));
    assertError(at(T0, grant(ID, 20)), ErrorCode.FAILED_PRECONDITION, "etcdserver: lease already exists");
    assertEquals(10, ttl(ID, T0).getGrantedTTL());
  }

  @Test
  void keepAliveExtendsTheDeadlineFromTheEntryClock() {
    grantWithKeys();
    var ka = at(T0 + 4_000, keepAlive(ID)).getLeaseKeepAlive();
    assertEquals(ID, ka.getID());
    assertEquals(10, ka.getTTL());
    assertEquals(10, ttl(ID, T0 + 4_000).getTTL());
    assertEquals(4, ttl(ID, T0 + 10_000).getTTL(), "the old deadline no longer counts");
    assertFalse(at(T0 + 10_000, expire(ID)).getLeaseExpire().getExpired(), "not at the old deadline");
    assertEquals(List.of("a", "b"), keys(range(state, Protos.prefix("a").setRangeEnd(bs("c")).build())));
    assertTrue(at(T0 + 14_000, expire(ID)).getLeaseExpire().getExpired(), "at the new deadline");
    assertEquals(List.of("free"), keys(range(state, all().build())));
  }

  @Test
  void keepAliveOfAnUnknownLeaseAnswersTtlZero() {
    var ka = at(T0, keepAlive(4242));
    assertFalse(ka.hasError());
    assertEquals(0, ka.getLeaseKeepAlive().getTTL());
  }

  static Stream<Arguments> expiries() {
    return Stream.of(
        Arguments.of("a second early", 9_000L, false),
        Arguments.of("a millisecond early", 9_999L, false),
        Arguments.of("at the deadline", 10_000L, true),
        Arguments.of("long after", 100_000L, true));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("expiries")
  void expiryOnlyWhenTheDeadlineIsAtOrBeforeTheEntryClock(String name, long after, boolean expired) {
    grantWithKeys();
    assertEquals(expired ? List.of(ID) : List.of(), state.expiredLeases(T0 + after));
    assertEquals(expired, at(T0 + after, expire(ID)).getLeaseExpire().getExpired());
    assertEquals(expired ? 5 : 4, state.revision());
    assertEquals(expired ? List.of("free") : List.of("a", "b", "free"), keys(range(state, all().build())));
    assertEquals(expired ? -1 : 10, ttl(ID, T0).getTTL());
  }

  @Test
  void aKeepAliveOrderedBeforeTheExpiryWins() {
    grantWithKeys();
    long deadline = T0 + 10_000;
    LogEntryResult r = state.apply(entry(deadline, keepAlive(ID), expire(ID)));
    assertEquals(10, r.getResponses(0).getLeaseKeepAlive().getTTL());
    assertFalse(r.getResponses(1).getLeaseExpire().getExpired());
    assertEquals(4, state.revision());
    assertEquals(10, ttl(ID, deadline).getTTL());
  }

  @Test
  void anExpiryOrderedBeforeTheKeepAliveWins() {
    grantWithKeys();
    long deadline = T0 + 10_000;
    LogEntryResult r = state.apply(entry(deadline, expire(ID), keepAlive(ID)));
    assertTrue(r.getResponses(0).getLeaseExpire().getExpired());
    assertEquals(0, r.getResponses(1).getLeaseKeepAlive().getTTL(), "the lease is gone");
    assertEquals(5, state.revision());
  }

  @Test
  void expiringAnUnknownLeaseIsANoOp() {
    var r = at(T0, expire(4242));
    assertFalse(r.hasError());
    assertFalse(r.getLeaseExpire().getExpired());
  }

  @Test
  void revokeDeletesEveryKeyInOneRevision() {
    grantWithKeys();
    var revoked = at(T0 + 1, revoke(ID));
    assertFalse(revoked.hasError());
    assertEquals(5, revoked.getLeaseRevoke().getHeader().getRevision());
    assertEquals(5, state.revision());
    assertEquals(List.of("free"), keys(range(state, all().build())));
    assertEquals(List.of("a", "b", "free"), keys(range(state, all().setRevision(4).build())));
    assertEquals(-1, ttl(ID, T0).getTTL());
    assertError(at(T0, revoke(ID)), ErrorCode.NOT_FOUND, LEASE_NOT_FOUND);
  }

  @Test
  void revokingALeaseWithoutKeysWritesNothing() {
    at(T0, grant(ID, 10));
    at(T0, req(put("a", "1", ID)));
    at(T0, req(put("a", "2")));              // moves a off the lease
    assertEquals(3, state.revision());
    assertEquals(0, ttl(ID, T0).getKeysCount());
    var revoked = at(T0, revoke(ID));
    assertEquals(3, revoked.getLeaseRevoke().getHeader().getRevision());
    assertEquals(3, state.revision());
    assertEquals("2", only(range(state, get("a"))).getValue().toStringUtf8());
  }

  @Test
  void keysMoveBetweenLeasesAndLeaveWhenDeleted() {
    at(T0, grant(1, 10));
    at(T0, grant(2, 10));
    at(T0, req(put("a", "1", 1)));
    at(T0, req(put("b", "1", 1)));
    at(T0, req(put("a", "2", 2)));
    at(T0, req(delete("b")));
    at(T0, req(put("b", "2")));
    assertEquals(List.of(), ttl(1, T0).getKeysList());
    assertEquals(List.of(bs("a")), ttl(2, T0).getKeysList());
    long rev = state.revision();
    at(T0, revoke(1));
    assertEquals(rev, state.revision(), "lease 1 holds no key any more");
    at(T0, revoke(2));
    assertEquals(List.of("b"), keys(range(state, all().build())));
  }

  @Test
  void leasesListsEveryGrantedLease() {
    for (long id : List.of(5L, 6L, 7L)) {
      at(T0, grant(id, 30));
    }
    at(T0, revoke(6));
    StoreResponse resp = state.query(StoreRequest.newBuilder()
        .setLeaseLeases(io.skiff.proto.etcd.LeaseLeasesRequest.getDefaultInstance()).build(), T0);
    List<Long> ids = resp.getLeaseLeases().getLeasesList().stream().map(LeaseStatus::getID).sorted().toList();
    assertEquals(List.of(5L, 7L), ids);
  }

  @Test
  void expiredLeasesAreThoseAtOrPastTheirDeadline() {
    at(T0, grant(1, 5));
    at(T0, grant(2, 10));
    at(T0, grant(3, 20));
    assertEquals(List.of(), state.expiredLeases(T0 + 4_999));
    assertEquals(List.of(1L), state.expiredLeases(T0 + 5_000));
    assertEquals(List.of(1L, 2L), state.expiredLeases(T0 + 10_000).stream().sorted().toList());
  }

  @Test
  void revokedKeysStayReadableInHistory() {
    grantWithKeys();
    at(T0, revoke(ID));
    assertEquals(ID, only(range(state, getAt("a", 4))).getLease());
  }
}
