package io.skiff.store.raft;

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

  RaftGateway(RaftServer server, RaftGroupId groupId, RaftClients clients, Executor executor, Duration readPatience) {
    this.server = server;
    this.groupId = groupId;
    this.clients = clients;
    this.executor = executor;
    this.readPatience = readPatience;
  }

  CompletableFuture<RaftClientReply> write(Message message) {
    if (!isLeader()) {
      return viaClient(c -> c.async().send(message));
    }
    return local(message, RaftClientRequest.writeRequestType())
        .thenComposeAsync(reply -> turnedAway(reply) ? viaClient(c -> c.async().send(message))
            : CompletableFuture.completedFuture(reply), executor);
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
      Executor later = CompletableFuture.delayedExecutor(delayMillis, TimeUnit.MILLISECONDS, executor);
      return CompletableFuture.supplyAsync(() -> null, later)
          .thenCompose(ignored -> readLocally(message, deadlineNanos, Math.min(delayMillis * 2, MAX_READ_RETRY_MILLIS)));
    }, executor).thenCompose(Function.identity());
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

  /** True when the local server refused the request without starting it, so sending it elsewhere is safe. */
  private static boolean turnedAway(RaftClientReply reply) {
    return !reply.isSuccess() && (reply.getNotLeaderException() != null
        || reply.getException() instanceof NotLeaderException
        || reply.getException() instanceof LeaderNotReadyException);
  }

  private CompletableFuture<RaftClientReply> viaClient(Function<RaftClient, CompletableFuture<RaftClientReply>> call) {
    RaftClient client = clients.get();
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
