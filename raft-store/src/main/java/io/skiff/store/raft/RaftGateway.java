package io.skiff.store.raft;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
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
 * does) — which skips a gRPC hop and its copies. Otherwise, or when the local
 * server turns a request away before doing anything with it (not leader, not
 * ready), the request goes through a Ratis client, which finds the leader and
 * retries across leader changes.
 *
 * <p>Thread-safe.
 */
final class RaftGateway implements AutoCloseable {
  private final RaftServer server;
  private final RaftGroupId groupId;
  private final RaftClients clients;
  private final ClientId localClientId = ClientId.randomId();
  private final AtomicLong callIds = new AtomicLong();
  /** Runs fallbacks: calling back into Ratis from the Ratis thread that completed a reply can block it. */
  private final Executor executor;

  RaftGateway(RaftServer server, RaftGroupId groupId, RaftClients clients, Executor executor) {
    this.server = server;
    this.groupId = groupId;
    this.clients = clients;
    this.executor = executor;
  }

  CompletableFuture<RaftClientReply> write(Message message) {
    if (!isLeader()) {
      return viaClient(c -> c.async().send(message));
    }
    return local(message, RaftClientRequest.writeRequestType())
        .thenComposeAsync(reply -> turnedAway(reply) ? viaClient(c -> c.async().send(message))
            : CompletableFuture.completedFuture(reply), executor);
  }

  /** A linearizable read (ReadIndex), answered by this peer's state machine. */
  CompletableFuture<RaftClientReply> read(Message message) {
    return local(message, RaftClientRequest.readRequestType())
        .thenComposeAsync(reply -> reply.isSuccess() ? CompletableFuture.completedFuture(reply)
            : viaClient(c -> c.async().sendReadOnlyUnordered(message)), executor);
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
