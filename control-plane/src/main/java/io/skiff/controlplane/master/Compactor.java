package io.skiff.controlplane.master;

import io.skiff.proto.etcd.CompactionRequest;
import io.skiff.proto.etcd.RangeRequest;
import io.skiff.store.Store;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drops store history older than one interval, as Kubernetes' API server does
 * for etcd every five minutes: each tick compacts to the revision seen at the
 * tick before, so watchers and paged lists always have at least an interval.
 * Several masters doing it is harmless (a second compaction to the same revision fails and is ignored).
 */
final class Compactor implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Compactor.class);

  private final Store store;
  private final ScheduledExecutorService timer;
  private long previousRevision;

  Compactor(Store store, Duration interval) {
    this.store = store;
    this.timer = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
        io.skiff.client.DaemonThreads.named("compactor"));
    timer.scheduleWithFixedDelay(this::tick, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void tick() {
    try {
      long current = store.range(RangeRequest.newBuilder().setKey(com.google.protobuf.ByteString.copyFromUtf8("/"))
          .setCountOnly(true).build()).join().getHeader().getRevision();
      long target = previousRevision;
      // before compacting: a compaction that fails (nothing written since the last one) must not pin the target
      previousRevision = current;
      if (target > 0) {
        store.compact(CompactionRequest.newBuilder().setRevision(target).build()).join();
        log.info("compacted store history up to revision {}", target);
      }
    } catch (RuntimeException e) {
      log.debug("compaction skipped: {}", e.getMessage());
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
