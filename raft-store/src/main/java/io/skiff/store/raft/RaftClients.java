package io.skiff.store.raft;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.protocol.RaftPeerId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Ratis client a peer proposes through. Ratis' ordered async client closes
 * itself for good once a request fails past its retry policy (a long leader
 * outage, say); this holder then replaces it, so one bad minute does not break
 * the peer forever.
 *
 * <p>The client is pointed at the leader the local peer knows, as an etcd
 * follower forwards to its leader: left to itself, a Ratis client keeps sending
 * to the leader it last saw, and when that one is cut off by a partition each
 * request first waits out a whole RPC timeout there. A client replaced for
 * that reason keeps serving the requests it has for {@code retirement}, then
 * is closed. Thread-safe.
 */
final class RaftClients implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RaftClients.class);

  /** A new client, given the leader to try first (null: let it find one). */
  private final Function<RaftPeerId, RaftClient> factory;
  private final Duration retirement;
  private RaftClient current;
  private boolean closed;

  RaftClients(Function<RaftPeerId, RaftClient> factory, Duration retirement) {
    this.factory = factory;
    this.retirement = retirement;
    this.current = factory.apply(null);
  }

  /** The client to send through, first made to try {@code leader} (null: unknown) if it would not. */
  RaftClient get(RaftPeerId leader) {
    RaftClient old;
    RaftClient pointed;
    synchronized (this) {
      if (closed || leader == null || leader.equals(current.getLeaderId())) {
        return current;
      }
      old = current;
      pointed = factory.apply(leader);
      current = pointed;
    }
    CompletableFuture.delayedExecutor(retirement.toMillis(), TimeUnit.MILLISECONDS).execute(() -> closeQuietly(old));
    return pointed;
  }

  /** Replaces {@code failed} if it is still the current client. */
  void replace(RaftClient failed) {
    RaftClient old;
    synchronized (this) {
      if (closed || failed != current) {
        return;
      }
      old = current;
      current = factory.apply(null);
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
