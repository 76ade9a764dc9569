package io.skiff.store.mvcc;

import io.skiff.proto.mvcc.Event;
import io.skiff.proto.mvcc.KeyValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A {@link WatchSink} that records what it is given. It can be flaky: refuse a
 * batch ({@code send} returns false) or claim not to be ready, at random, to
 * make its watcher a victim that must catch up from history.
 */
final class RecordingSink implements WatchSink {
  record Batch(List<Event> events, long revision) { }

  private final Random random;
  private final double refuseSend;
  private final double notReady;
  private final List<Batch> batches = new ArrayList<>();
  private final List<Long> progress = new ArrayList<>();
  private final List<Long> compacted = new ArrayList<>();
  private int refused;
  private volatile boolean open = true;

  RecordingSink() {
    this(0, 0, 0);
  }

  RecordingSink(long seed, double refuseSend, double notReady) {
    this.random = new Random(seed);
    this.refuseSend = refuseSend;
    this.notReady = notReady;
  }

  /** A sink that refuses everything until {@link #open} is set. */
  static RecordingSink closed() {
    RecordingSink sink = new RecordingSink();
    sink.open = false;
    return sink;
  }

  void open() {
    open = true;
  }

  @Override
  public synchronized boolean send(List<Event> events, long revision) {
    if (!open || (refuseSend > 0 && random.nextDouble() < refuseSend)) {
      refused++;
      return false;
    }
    batches.add(new Batch(List.copyOf(events), revision));
    return true;
  }

  @Override
  public synchronized boolean ready() {
    return open && (notReady == 0 || random.nextDouble() >= notReady);
  }

  @Override
  public synchronized void compacted(long compactRevision) {
    compacted.add(compactRevision);
  }

  @Override
  public synchronized void progress(long revision) {
    progress.add(revision);
  }

  synchronized List<Batch> batches() {
    return List.copyOf(batches);
  }

  synchronized List<Event> events() {
    List<Event> all = new ArrayList<>();
    batches.forEach(b -> all.addAll(b.events()));
    return all;
  }

  synchronized int eventCount() {
    return batches.stream().mapToInt(b -> b.events().size()).sum();
  }

  /** Every event as text, e.g. {@code PUT a=1@5} or {@code DELETE a@7 prev=1}. */
  synchronized List<String> describe() {
    return events().stream().map(RecordingSink::describe).toList();
  }

  static String describe(Event e) {
    KeyValue kv = e.getKv();
    StringBuilder s = new StringBuilder(e.getType().name()).append(' ').append(kv.getKey().toStringUtf8());
    if (e.getType() == Event.EventType.PUT) {
      s.append('=').append(kv.getValue().toStringUtf8());
    }
    s.append('@').append(kv.getModRevision());
    if (e.hasPrevKv()) {
      s.append(" prev=").append(e.getPrevKv().getValue().toStringUtf8());
    }
    return s.toString();
  }

  synchronized List<Long> progress() {
    return List.copyOf(progress);
  }

  synchronized List<Long> compacted() {
    return List.copyOf(compacted);
  }

  synchronized int refused() {
    return refused;
  }
}
