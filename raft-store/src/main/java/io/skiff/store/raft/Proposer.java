package io.skiff.store.raft;

import io.skiff.proto.store.LogEntry;
import io.skiff.proto.store.LogEntryResult;
import io.skiff.proto.store.StoreRequest;
import io.skiff.proto.store.StoreResponse;
import io.skiff.store.ErrorCode;
import io.skiff.store.StoreException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;
import org.apache.ratis.protocol.RaftClientReply;

/**
 * Puts write requests into the Raft log, many per entry. Requests that arrive
 * while {@code maxInFlight} entries are being replicated wait in a queue, and
 * the next entry takes all of them (up to a byte budget): under load one Raft
 * round commits a whole batch, with no added delay when idle. This is what lets
 * one log sync serve many clients.
 *
 * <p>Thread-safe; replies complete on Ratis' client threads.
 */
final class Proposer {
  private record Pending(StoreRequest request, CompletableFuture<StoreResponse> future) { }

  private final RaftGateway raft;
  private final int maxInFlight;
  private final int maxBatchBytes;
  private final LongSupplier clock;
  private final Executor completions;
  /** Guarded by this. */
  private final ArrayDeque<Pending> queue = new ArrayDeque<>();
  /** Entries sent and not yet answered. Guarded by this. */
  private int inFlight;

  Proposer(RaftGateway raft, int maxInFlight, int maxBatchBytes, LongSupplier clock, Executor completions) {
    this.raft = raft;
    this.maxInFlight = maxInFlight;
    this.maxBatchBytes = maxBatchBytes;
    this.clock = clock;
    this.completions = completions;
  }

  CompletableFuture<StoreResponse> propose(StoreRequest request) {
    Pending p = new Pending(request, new CompletableFuture<>());
    synchronized (this) {
      queue.add(p);
    }
    drain();
    return p.future();
  }

  private void drain() {
    while (true) {
      List<Pending> batch = new ArrayList<>();
      synchronized (this) {
        if (inFlight >= maxInFlight || queue.isEmpty()) {
          return;
        }
        int bytes = 0;
        // always take one, however big; then more while they fit
        while (!queue.isEmpty() && (batch.isEmpty() || bytes + queue.peek().request().getSerializedSize() <= maxBatchBytes)) {
          Pending p = queue.poll();
          bytes += p.request().getSerializedSize();
          batch.add(p);
        }
        inFlight++;
      }
      send(batch);
    }
  }

  private void send(List<Pending> batch) {
    LogEntry.Builder entry = LogEntry.newBuilder().setNowUnixMillis(clock.getAsLong());
    batch.forEach(p -> entry.addRequests(p.request()));
    CompletableFuture<RaftClientReply> reply;
    try {
      reply = raft.write(StoreStateMachine.message(entry.build()));
    } catch (RuntimeException e) {
      reply = CompletableFuture.failedFuture(e);
    }
    // off Ratis' apply thread: completing runs every caller's continuation (encoding, sending)
    reply.whenCompleteAsync((r, error) -> {
      synchronized (this) {
        inFlight--;
      }
      complete(batch, r, error);
      drain();
    }, completions);
  }

  private static void complete(List<Pending> batch, RaftClientReply reply, Throwable error) {
    if (error == null && !reply.isSuccess()) {
      error = reply.getException();
    }
    if (error != null) {
      StoreException failure = unavailable(error);
      batch.forEach(p -> p.future().completeExceptionally(failure));
      return;
    }
    try {
      LogEntryResult result = LogEntryResult.parseFrom(reply.getMessage().getContent().asReadOnlyByteBuffer());
      for (int i = 0; i < batch.size(); i++) {
        batch.get(i).future().complete(result.getResponses(i));
      }
    } catch (com.google.protobuf.InvalidProtocolBufferException | IndexOutOfBoundsException e) {
      StoreException failure = new StoreException(ErrorCode.INTERNAL, "etcdserver: undecodable reply: " + e);
      batch.forEach(p -> p.future().completeExceptionally(failure));
    }
  }

  /** Raft could not commit in time: the outcome is unknown to the caller, as with etcd's timeouts. */
  static StoreException unavailable(Throwable error) {
    Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    if (cause instanceof StoreException se) {
      return se;
    }
    return new StoreException(ErrorCode.UNAVAILABLE, "etcdserver: request timed out (" + cause.getClass().getSimpleName()
        + (cause.getMessage() == null ? "" : ": " + cause.getMessage()) + ")");
  }
}
