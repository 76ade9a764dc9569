package io.skiff.store.raft;

import io.skiff.store.ErrorCode;
import io.skiff.store.StoreException;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.exceptions.LeaderNotReadyException;
import org.apache.ratis.protocol.exceptions.NotLeaderException;
import org.apache.ratis.server.RaftServer;

/**
 * How a peer reaches Raft. Requests go straight into the local server when it
 * can serve them — writes when it leads, linearizable reads always (a follower
 * asks the leader for a read index, then answers from its own state, as etcd
 * does) — which skips a gRPC hop and its copies. A write the local server
 * cannot take (not leader, not ready) goes through a Ratis client, which finds
 * the leader and retries across leader changes.
 *
 * <p>A write is sent on at most once. One the local leader took into its log
 * and then answered "not leader" for (it stepped down, cut off from the
 * majority) fails with etcd's "leader changed": its entry may still be
 * committed by the next leader or be overwritten, and sending it again would
 * apply it twice, or after its caller gave up. A peer that knows no leader (it
 * is cut off, or an election runs) holds a write for at most
 * {@code leaderPatience}, then fails it unsent with etcd's "no leader", as etcd
 * drops proposals made without a leader: held longer, a write made into a
 * partition would be applied when the partition heals, long after its caller
 * timed out.
 *
 * <p>Thread-safe.
 */
final class RaftGateway implements AutoCloseable {
  private final RaftServer server;
  private final RaftGroupId groupId;
  private final RaftClients clients;
  private final ClientId localClientId = ClientId.randomId();
  private final AtomicLong callIds = new AtomicLong();
  private static final long FIRST_READ_RETRY_MILLIS = 10;
  private static final long MAX_READ_RETRY_MILLIS = 200;
  /** Runs fallbacks: calling back into Ratis from the Ratis thread that completed a reply can block it. */
  private final Executor executor;
  private final Duration readPatience;
  private final Duration leaderPatience;

  RaftGateway(RaftServer server, RaftGroupId groupId, RaftClients clients, Executor executor, Duration readPatience,
      Duration leaderPatience) {
    this.server = server;
    this.groupId = groupId;
    this.clients = clients;
    this.executor = executor;
    this.readPatience = readPatience;
    this.leaderPatience = leaderPatience;
  }

  CompletableFuture<RaftClientReply> write(Message message) {
    if (!isLeader()) {
      return forward(message);
    }
    return local(message, RaftClientRequest.writeRequestType()).thenComposeAsync(reply -> {
      if (notReady(reply)) {
        return forward(message);  // refused before it reached the log
      }
      if (notLeader(reply)) {
        // refused at once (it lost leadership just now) or dropped from its log's tail on stepping down:
        // which, the reply does not tell, so it is not sent again
        return CompletableFuture.<RaftClientReply>failedFuture(
            new StoreException(ErrorCode.UNAVAILABLE, "etcdserver: leader changed"));
      }
      return CompletableFuture.completedFuture(reply);
    }, executor);
  }

  /** Sends a write through the Ratis client once this peer knows a leader; fails unsent if none is known in time. */
  private CompletableFuture<RaftClientReply> forward(Message message) {
    return whenLeaderKnown(System.nanoTime() + leaderPatience.toNanos(), FIRST_READ_RETRY_MILLIS)
        .thenCompose(known -> known ? viaClient(c -> c.async().send(message))
            : CompletableFuture.failedFuture(new StoreException(ErrorCode.UNAVAILABLE, "etcdserver: no leader")));
  }

  private CompletableFuture<Boolean> whenLeaderKnown(long deadlineNanos, long delayMillis) {
    if (leaderKnown()) {
      return CompletableFuture.completedFuture(true);
    }
    if (System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delayMillis) > deadlineNanos) {
      return CompletableFuture.completedFuture(false);
    }
    return after(delayMillis)
        .thenCompose(ignored -> whenLeaderKnown(deadlineNanos, Math.min(delayMillis * 2, MAX_READ_RETRY_MILLIS)));
  }

  /**
   * A linearizable read (ReadIndex), answered by this peer's state machine once
   * it has applied everything committed before the read began. Always local:
   * a read served by another peer proves nothing about this one's state (a
   * just-restarted follower would then answer from a stale state). While this
   * peer cannot get a read index (no leader known yet, an election), it asks
   * again with back-off until {@code readPatience} has passed.
   */
  CompletableFuture<RaftClientReply> read(Message message) {
    return readLocally(message, System.nanoTime() + readPatience.toNanos(), FIRST_READ_RETRY_MILLIS);
  }

  private CompletableFuture<RaftClientReply> readLocally(Message message, long deadlineNanos, long delayMillis) {
    return local(message, RaftClientRequest.readRequestType()).handleAsync((reply, error) -> {
      boolean done = error == null && reply.isSuccess();
      if (done || System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delayMillis) > deadlineNanos) {
        return error == null ? CompletableFuture.completedFuture(reply) : CompletableFuture.<RaftClientReply>failedFuture(error);
      }
      return after(delayMillis)
          .thenCompose(ignored -> readLocally(message, deadlineNanos, Math.min(delayMillis * 2, MAX_READ_RETRY_MILLIS)));
    }, executor).thenCompose(Function.identity());
  }

  /** Completes on the executor after {@code delayMillis}: the back-off between two tries. */
  private CompletableFuture<Void> after(long delayMillis) {
    return CompletableFuture.runAsync(() -> { },
        CompletableFuture.delayedExecutor(delayMillis, TimeUnit.MILLISECONDS, executor));
  }

  private boolean leaderKnown() {
    return leaderId() != null;
  }

  /** The leader this peer knows, or null. */
  private RaftPeerId leaderId() {
    try {
      return server.getDivision(groupId).getInfo().getLeaderId();
    } catch (IOException e) {
      return null;
    }
  }

  private boolean isLeader() {
    try {
      return server.getDivision(groupId).getInfo().isLeader();
    } catch (IOException e) {
      return false;
    }
  }

  private CompletableFuture<RaftClientReply> local(Message message, RaftClientRequest.Type type) {
    RaftClientRequest request = RaftClientRequest.newBuilder()
        .setClientId(localClientId)
        .setServerId(server.getId())
        .setGroupId(groupId)
        .setCallId(callIds.incrementAndGet())
        .setMessage(message)
        .setType(type)
        .build();
    try {
      return server.submitClientRequestAsync(request);
    } catch (IOException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** The local leader has not committed its first entry yet, and refused the request without starting it. */
  private static boolean notReady(RaftClientReply reply) {
    return !reply.isSuccess() && reply.getException() instanceof LeaderNotReadyException;
  }

  private static boolean notLeader(RaftClientReply reply) {
    return !reply.isSuccess() && (reply.getNotLeaderException() != null || reply.getException() instanceof NotLeaderException);
  }

  private CompletableFuture<RaftClientReply> viaClient(Function<RaftClient, CompletableFuture<RaftClientReply>> call) {
    RaftClient client = clients.get(leaderId());
    CompletableFuture<RaftClientReply> reply;
    try {
      reply = call.apply(client);
    } catch (RuntimeException e) {
      reply = CompletableFuture.failedFuture(e);
    }
    return reply.whenComplete((r, error) -> {
      if (error != null) {
        clients.replace(client); // Ratis' ordered client stays closed after a failure
      }
    });
  }

  @Override
  public void close() {
    clients.close();
  }
}
