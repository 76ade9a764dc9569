package io.skiff.store;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Everything a store peer needs to run. Defaults follow etcd where etcd has
 * one (request size, txn ops, quota, minimum lease TTL).
 *
 * @param snapshotThreshold log entries applied between automatic snapshots
 * @param logSegmentBytes size of a Raft log segment; the log is purged by whole segments
 * @param electionTimeout the lower bound of Raft's randomized election timeout;
 *     the upper bound is twice it
 */
public record StoreConfig(
    String clusterName,
    String id,
    List<PeerSpec> peers,
    Path dataDir,
    int maxRequestBytes,
    int maxTxnOps,
    long quotaBytes,
    long minLeaseTtlSeconds,
    long snapshotThreshold,
    long logSegmentBytes,
    Duration electionTimeout,
    Duration requestTimeout,
    Duration watchProgressInterval) {

  public static final int DEFAULT_MAX_REQUEST_BYTES = 1536 * 1024;

  public StoreConfig {
    if (peers.stream().noneMatch(p -> p.id().equals(id))) {
      throw new IllegalArgumentException("this peer's id '" + id + "' is not among the peers " + peers);
    }
  }

  public static StoreConfig defaults(String id, List<PeerSpec> peers, Path dataDir) {
    return new StoreConfig("skiff", id, peers, dataDir,
        DEFAULT_MAX_REQUEST_BYTES, 128, 2L * 1024 * 1024 * 1024, 2, 10_000, 32L * 1024 * 1024,
        Duration.ofMillis(1000), Duration.ofSeconds(10), Duration.ofMinutes(10));
  }

  public PeerSpec self() {
    return peers.stream().filter(p -> p.id().equals(id)).findFirst().orElseThrow();
  }

  public StoreConfig withSnapshotThreshold(long entries) {
    return new StoreConfig(clusterName, id, peers, dataDir, maxRequestBytes, maxTxnOps, quotaBytes,
        minLeaseTtlSeconds, entries, logSegmentBytes, electionTimeout, requestTimeout, watchProgressInterval);
  }

  public StoreConfig withLogSegmentBytes(long bytes) {
    return new StoreConfig(clusterName, id, peers, dataDir, maxRequestBytes, maxTxnOps, quotaBytes,
        minLeaseTtlSeconds, snapshotThreshold, bytes, electionTimeout, requestTimeout, watchProgressInterval);
  }

  public StoreConfig withElectionTimeout(Duration timeout) {
    return new StoreConfig(clusterName, id, peers, dataDir, maxRequestBytes, maxTxnOps, quotaBytes,
        minLeaseTtlSeconds, snapshotThreshold, logSegmentBytes, timeout, requestTimeout, watchProgressInterval);
  }

  public StoreConfig withQuotaBytes(long bytes) {
    return new StoreConfig(clusterName, id, peers, dataDir, maxRequestBytes, maxTxnOps, bytes,
        minLeaseTtlSeconds, snapshotThreshold, logSegmentBytes, electionTimeout, requestTimeout, watchProgressInterval);
  }

  public StoreConfig withWatchProgressInterval(Duration interval) {
    return new StoreConfig(clusterName, id, peers, dataDir, maxRequestBytes, maxTxnOps, quotaBytes,
        minLeaseTtlSeconds, snapshotThreshold, logSegmentBytes, electionTimeout, requestTimeout, interval);
  }
}
