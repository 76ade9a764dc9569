package io.skiff.store.raft;

import java.io.IOException;
import java.util.function.Supplier;
import org.apache.ratis.client.RaftClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Ratis client a peer proposes through. Ratis' ordered async client closes
 * itself for good once a request fails past its retry policy (a long leader
 * outage, say); this holder then replaces it, so one bad minute does not break
 * the peer forever. Thread-safe.
 */
final class RaftClients implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RaftClients.class);

  private final Supplier<RaftClient> factory;
  private RaftClient current;
  private boolean closed;

  RaftClients(Supplier<RaftClient> factory) {
    this.factory = factory;
    this.current = factory.get();
  }

  synchronized RaftClient get() {
    return current;
  }

  /** Replaces {@code failed} if it is still the current client. */
  void replace(RaftClient failed) {
    RaftClient old;
    synchronized (this) {
      if (closed || failed != current) {
        return;
      }
      old = current;
      current = factory.get();
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
