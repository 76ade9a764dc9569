package io.skiff.store.mvcc;

import io.skiff.proto.etcd.WatchCreateRequest;
import io.skiff.proto.mvcc.Event;

/** One registered watch: what it selects and how far it has been delivered. */
public final class Watcher {
  final KeyRange range;
  final boolean prevKv;
  final boolean progressNotify;
  private final boolean noPut;
  private final boolean noDelete;
  final WatchSink sink;
  private final WatchHub hub;

  /** The next revision to deliver; every event below it was delivered once. Guarded by the hub. */
  long nextRevision;
  /** When this watcher last sent anything, for progress notifications. Guarded by the hub. */
  long lastSentNanos = System.nanoTime();

  Watcher(WatchCreateRequest request, WatchSink sink, WatchHub hub) {
    this.range = KeyRange.of(request.getKey(), request.getRangeEnd());
    this.prevKv = request.getPrevKv();
    this.progressNotify = request.getProgressNotify();
    this.noPut = request.getFiltersList().contains(WatchCreateRequest.FilterType.NOPUT);
    this.noDelete = request.getFiltersList().contains(WatchCreateRequest.FilterType.NODELETE);
    this.sink = sink;
    this.hub = hub;
  }

  boolean wants(Event.EventType type) {
    return type == Event.EventType.PUT ? !noPut : !noDelete;
  }

  /** Stops delivery; safe to call more than once and from any thread. */
  public void cancel() {
    hub.remove(this);
  }
}
