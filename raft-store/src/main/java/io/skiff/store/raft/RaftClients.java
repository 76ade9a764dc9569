package io.skiff.store.raft;

import java.io.IOException;
import java.time.Duration;
import java.util.HashSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftPeerId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Ratis client a peer proposes through, renewed when what it assumes goes stale:
 * <ul>
 *   <li>the group's live configuration: when members are added or removed, the next request gets
 *       a client that knows the new member set (one built for the old set may know no member that
 *       is left);
 *   <li>the leader the local peer knows, as an etcd follower forwards to its leader: left to
 *       itself, a Ratis client keeps sending to the leader it last saw, and when that one is cut
 *       off by a partition each request first waits out a whole RPC timeout there;
 *   <li>Ratis' ordered async client closes itself for good once a request fails past its retry
 *       policy (a long leader outage, say); that one is replaced too, so one bad minute does not
 *       break the peer forever.
 * </ul>
 * A client replaced for the first two reasons keeps serving the requests it has in flight for
 * {@code retireAfter}, then is closed. Thread-safe.
 */
final class RaftClients implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RaftClients.class);

  /** A new client for a group, given the leader to try first (null: let it find one). */
  private final BiFunction<RaftGroup, RaftPeerId, RaftClient> factory;
  private final Supplier<RaftGroup> liveGroup;
  private final Duration retireAfter;
  private RaftClient current;
  private RaftGroup currentGroup;
  /** The leader the current client was made to try first: renewed when the peer learns another. */
  private RaftPeerId pointedAt;
  private boolean closed;

  RaftClients(BiFunction<RaftGroup, RaftPeerId, RaftClient> factory, Supplier<RaftGroup> liveGroup,
      Duration retireAfter) {
    this.factory = factory;
    this.liveGroup = liveGroup;
    this.retireAfter = retireAfter;
    this.currentGroup = liveGroup.get();
    this.current = factory.apply(currentGroup, null);
  }

  /**
   * The client to send through: one for the group's current members, first trying {@code leader}
   * (null: unknown).
   */
  RaftClient get(RaftPeerId leader) {
    RaftGroup group = liveGroup.get();
    RaftClient retired;
    boolean membersChanged;
    synchronized (this) {
      membersChanged = !samePeers(group, currentGroup);
      // not the client's own guess, which moves as it retries: only news from the peer renews it
      boolean leaderMoved = leader != null && !leader.equals(pointedAt) && group.getPeer(leader) != null;
      if (closed || (!membersChanged && !leaderMoved)) {
        return current;
      }
      retired = current;
      currentGroup = group;
      pointedAt = leader != null && group.getPeer(leader) != null ? leader : null;
      current = factory.apply(group, pointedAt);
    }
    if (membersChanged) {
      log.info("the store's members changed to {}: Raft client renewed", group.getPeers());
    }
    // requests in flight on the old client keep their own retries; close it once they had time to finish
    CompletableFuture.runAsync(() -> closeQuietly(retired),
        CompletableFuture.delayedExecutor(retireAfter.toMillis(), TimeUnit.MILLISECONDS));
    return current;
  }

  private static boolean samePeers(RaftGroup a, RaftGroup b) {
    return new HashSet<>(a.getPeers()).equals(new HashSet<>(b.getPeers()));
  }

  /** Replaces {@code failed} if it is still the current client. */
  void replace(RaftClient failed) {
    RaftClient old;
    synchronized (this) {
      if (closed || failed != current) {
        return;
      }
      old = current;
      currentGroup = liveGroup.get();
      pointedAt = null;
      current = factory.apply(currentGroup, null);
    }
    log.warn("replaced the Raft client after a request failed past its retries");
    closeQuietly(old);
  }

  @Override
  public void close() {
    RaftClient old;
    synchronized (this) {
      closed = true;
      old = current;
    }
    closeQuietly(old);
  }

  private static void closeQuietly(RaftClient client) {
    try {
      client.close();
    } catch (IOException e) {
      log.debug("closing a Raft client failed", e);
    }
  }
}
