package io.skiff.store.etcd;

import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.skiff.proto.etcd.ResponseHeader;
import io.skiff.proto.etcd.WatchCancelRequest;
import io.skiff.proto.etcd.WatchCreateRequest;
import io.skiff.proto.etcd.WatchRequest;
import io.skiff.proto.etcd.WatchResponse;
import io.skiff.proto.mvcc.Event;
import io.skiff.store.Store;
import io.skiff.store.mvcc.WatchSink;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.function.LongFunction;

/**
 * One client's Watch stream: many watchers multiplexed by watch id, as in
 * etcd. Responses wait in a bounded queue and are written only while gRPC's
 * flow control says the client can take them; a full queue makes the store
 * treat the watcher as slow and replay it from history later, so the apply
 * thread never waits for a client.
 *
 * <p>Thread-safe: requests arrive on gRPC threads, events on the store's threads.
 */
final class WatchStream implements StreamObserver<WatchRequest> {
  /** Responses queued per stream before watchers are told to back off. */
  private static final int MAX_QUEUED = 1024;

  private final Store store;
  private final ServerCallStreamObserver<WatchResponse> out;
  private final LongFunction<ResponseHeader> header;
  private final java.util.function.LongSupplier currentRevision;
  private final Executor sender;

  /** Guarded by this. */
  private final ArrayDeque<WatchResponse> queue = new ArrayDeque<>();
  private final Map<Long, Store.Watch> watches = new HashMap<>();
  private long nextWatchId;
  private boolean sending;
  private boolean closed;

  WatchStream(Store store, ServerCallStreamObserver<WatchResponse> out, LongFunction<ResponseHeader> header,
      java.util.function.LongSupplier currentRevision, Executor sender) {
    this.store = store;
    this.out = out;
    this.header = header;
    this.currentRevision = currentRevision;
    this.sender = sender;
    out.setOnReadyHandler(this::scheduleSend);
    out.setOnCancelHandler(this::close);
    // gRPC may also end the call itself with trailers (a request that does not parse): that is a
    // clean close, not a cancel, and neither onError nor onCompleted is called
    out.setOnCloseHandler(this::close);
  }

  @Override
  public void onNext(WatchRequest request) {
    switch (request.getRequestUnionCase()) {
      case CREATE_REQUEST -> create(request.getCreateRequest());
      case CANCEL_REQUEST -> cancel(request.getCancelRequest());
      // etcd answers a progress request with watch id -1: it is for every watcher of the stream
      case PROGRESS_REQUEST -> enqueue(WatchResponse.newBuilder()
          .setHeader(header.apply(currentRevision.getAsLong())).setWatchId(-1).build());
      default -> { }
    }
  }

  private void create(WatchCreateRequest request) {
    long id;
    // read before taking this stream's lock: the apply thread holds the store's lock while it
    // waits for ours (Sink.send), so asking the store for its revision under ours could deadlock
    ResponseHeader now = header.apply(currentRevision.getAsLong());
    synchronized (this) {
      if (closed) {
        return;
      }
      id = request.getWatchId();
      if (id == 0) {
        while (watches.containsKey(nextWatchId)) {
          nextWatchId++;
        }
        id = nextWatchId++;
      } else if (watches.containsKey(id)) {
        enqueueLocked(WatchResponse.newBuilder().setHeader(now)
            .setWatchId(id).setCreated(true).setCanceled(true)
            .setCancelReason("etcdserver: duplicate watch ID").build());
        return;
      }
      // the created response goes first; events can only follow it
      enqueueLocked(WatchResponse.newBuilder().setHeader(now).setWatchId(id).setCreated(true).build());
      watches.put(id, () -> { });
    }
    // a watch from now starts right after the created answer's revision, as in etcd: registering
    // it at whatever the store reached meanwhile would lose the writes in between
    WatchCreateRequest from = request.getStartRevision() > 0 ? request
        : request.toBuilder().setStartRevision(now.getRevision() + 1).build();
    Store.Watch watch = store.watch(from, new Sink(id));
    synchronized (this) {
      if (watches.containsKey(id) && !closed) {
        watches.put(id, watch);
        return;
      }
    }
    watch.cancel(); // canceled or closed while registering
  }

  private void cancel(WatchCancelRequest request) {
    Store.Watch watch;
    synchronized (this) {
      watch = watches.remove(request.getWatchId());
    }
    if (watch != null) {
      watch.cancel();
      enqueue(WatchResponse.newBuilder().setHeader(header.apply(currentRevision.getAsLong()))
          .setWatchId(request.getWatchId()).setCanceled(true).build());
    }
  }

  /** Delivers one watcher's output into this stream. */
  private final class Sink implements WatchSink {
    private final long id;

    Sink(long id) {
      this.id = id;
    }

    @Override
    public boolean send(List<Event> events, long revision) {
      synchronized (WatchStream.this) {
        if (queue.size() >= MAX_QUEUED) {
          return false;
        }
        enqueueLocked(WatchResponse.newBuilder().setHeader(header.apply(revision)).setWatchId(id)
            .addAllEvents(events).build());
        return true;
      }
    }

    @Override
    public boolean ready() {
      synchronized (WatchStream.this) {
        return queue.size() < MAX_QUEUED;
      }
    }

    @Override
    public void compacted(long compactRevision) {
      ResponseHeader now = header.apply(currentRevision.getAsLong());
      synchronized (WatchStream.this) {
        watches.remove(id);
        enqueueLocked(WatchResponse.newBuilder().setHeader(now)
            .setWatchId(id).setCompactRevision(compactRevision).setCanceled(true)
            .setCancelReason("etcdserver: mvcc: required revision has been compacted").build());
      }
    }

    @Override
    public void progress(long revision) {
      synchronized (WatchStream.this) {
        enqueueLocked(WatchResponse.newBuilder().setHeader(header.apply(revision)).setWatchId(id).build());
      }
    }
  }

  private synchronized void enqueue(WatchResponse response) {
    enqueueLocked(response);
  }

  private void enqueueLocked(WatchResponse response) {
    if (closed) {
      return;
    }
    queue.add(response);
    if (!sending) {
      sending = true;
      sender.execute(this::sendQueued);
    }
  }

  private void scheduleSend() {
    synchronized (this) {
      if (sending || queue.isEmpty() || closed) {
        return;
      }
      sending = true;
    }
    sender.execute(this::sendQueued);
  }

  /** Writes while the client can take more; runs on one sender thread at a time per stream. */
  private void sendQueued() {
    while (true) {
      WatchResponse next;
      synchronized (this) {
        if (closed || queue.isEmpty() || !out.isReady()) {
          sending = false;
          return;
        }
        next = queue.poll();
      }
      try {
        out.onNext(next);
      } catch (RuntimeException e) {
        close(); // the call was canceled under us
        return;
      }
    }
  }

  @Override
  public void onError(Throwable t) {
    close();
  }

  @Override
  public void onCompleted() {
    close();
    try {
      out.onCompleted();
    } catch (RuntimeException ignored) {
      // already canceled by the client
    }
  }

  private void close() {
    List<Store.Watch> toCancel;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      queue.clear();
      toCancel = List.copyOf(watches.values());
      watches.clear();
    }
    toCancel.forEach(Store.Watch::cancel);
  }
}
