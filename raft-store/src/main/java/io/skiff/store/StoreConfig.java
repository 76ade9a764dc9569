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
    return builder(id, peers, dataDir).build();
  }

  public static Builder builder(String id, List<PeerSpec> peers, Path dataDir) {
    return new Builder(id, peers, dataDir);
  }

  public PeerSpec self() {
    return peers.stream().filter(p -> p.id().equals(id)).findFirst().orElseThrow();
  }

  public Builder toBuilder() {
    return new Builder(id, peers, dataDir).clusterName(clusterName).maxRequestBytes(maxRequestBytes)
        .maxTxnOps(maxTxnOps).quotaBytes(quotaBytes).minLeaseTtlSeconds(minLeaseTtlSeconds)
        .snapshotThreshold(snapshotThreshold).logSegmentBytes(logSegmentBytes).electionTimeout(electionTimeout)
        .requestTimeout(requestTimeout).watchProgressInterval(watchProgressInterval);
  }

  /** Builds a config from etcd's defaults. Not thread-safe. */
  public static final class Builder {
    private final String id;
    private final List<PeerSpec> peers;
    private final Path dataDir;
    private String clusterName = "skiff";
    private int maxRequestBytes = DEFAULT_MAX_REQUEST_BYTES;
    private int maxTxnOps = 128;
    private long quotaBytes = 2L * 1024 * 1024 * 1024;
    private long minLeaseTtlSeconds = 2;
    private long snapshotThreshold = 10_000;
    private long logSegmentBytes = 32L * 1024 * 1024;
    private Duration electionTimeout = Duration.ofMillis(500);
    private Duration requestTimeout = Duration.ofSeconds(10);
    private Duration watchProgressInterval = Duration.ofMinutes(10);

    private Builder(String id, List<PeerSpec> peers, Path dataDir) {
      this.id = id;
      this.peers = peers;
      this.dataDir = dataDir;
    }

    public Builder clusterName(String v) {
      clusterName = v;
      return this;
    }

    public Builder maxRequestBytes(int v) {
      maxRequestBytes = v;
      return this;
    }

    public Builder maxTxnOps(int v) {
      maxTxnOps = v;
      return this;
    }

    public Builder quotaBytes(long v) {
      quotaBytes = v;
      return this;
    }

    public Builder minLeaseTtlSeconds(long v) {
      minLeaseTtlSeconds = v;
      return this;
    }

    public Builder snapshotThreshold(long v) {
      snapshotThreshold = v;
      return this;
    }

    public Builder logSegmentBytes(long v) {
      logSegmentBytes = v;
      return this;
    }

    public Builder electionTimeout(Duration v) {
      electionTimeout = v;
      return this;
    }

    public Builder requestTimeout(Duration v) {
      requestTimeout = v;
      return this;
    }

    public Builder watchProgressInterval(Duration v) {
      watchProgressInterval = v;
      return this;
    }

    public StoreConfig build() {
      return new StoreConfig(clusterName, id, peers, dataDir, maxRequestBytes, maxTxnOps, quotaBytes,
          minLeaseTtlSeconds, snapshotThreshold, logSegmentBytes, electionTimeout, requestTimeout,
          watchProgressInterval);
    }
  }
}
