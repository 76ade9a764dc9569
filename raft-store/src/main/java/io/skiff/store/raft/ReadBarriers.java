package io.skiff.store.raft;

import io.skiff.proto.store.ReadBarrier;
import io.skiff.proto.store.StoreRequest;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.ratis.protocol.Message;

/**
 * Linearizable reads share ReadIndex rounds, as etcd's read loop does: every
 * read that arrives while a round is out joins the next one, and one Raft
 * read of nothing per round tells when this replica has applied all that was
 * committed before the round began. The reads of that round are then served
 * from local state, which is at least that new.
 *
 * <p>A read joins only a round that starts after it arrived, so it sees every
 * write acknowledged before it began. Thread-safe.
 */
final class ReadBarriers {
  private static final Message BARRIER = StoreStateMachine.message(
      StoreRequest.newBuilder().setReadBarrier(ReadBarrier.getDefaultInstance()).build());

  private final RaftGateway raft;
  private final Executor executor;
  /** The round that reads join; sent when the one in flight returns. Guarded by this. */
  private CompletableFuture<Void> next;
  private boolean inFlight;

  ReadBarriers(RaftGateway raft, Executor executor) {
    this.raft = raft;
    this.executor = executor;
  }

  /** Completes when this replica has applied every write committed before the call. */
  CompletableFuture<Void> await() {
    CompletableFuture<Void> round;
    synchronized (this) {
      if (next == null) {
        next = new CompletableFuture<>();
      }
      round = next;
      if (inFlight) {
        return round;
      }
      inFlight = true;
      next = null;
    }
    send(round);
    return round;
  }

  private void send(CompletableFuture<Void> round) {
    CompletableFuture<org.apache.ratis.protocol.RaftClientReply> reply;
    try {
      reply = raft.read(BARRIER);
    } catch (RuntimeException e) {
      reply = CompletableFuture.failedFuture(e);
    }
    // never on the Ratis thread that completed the reply: sending the next round from there
    // blocked a follower's Raft threads (it stopped answering heartbeats)
    reply.whenCompleteAsync((r, error) -> {
      if (error == null && !r.isSuccess()) {
        error = r.getException();
      }
      if (error != null) {
        round.completeExceptionally(Proposer.unavailable(error));
      } else {
        round.complete(null);
      }
      CompletableFuture<Void> following;
      synchronized (this) {
        following = next;
        next = null;
        inFlight = following != null;
      }
      if (following != null) {
        send(following);
      }
    }, executor);
  }
}
