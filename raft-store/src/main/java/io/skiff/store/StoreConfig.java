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
 * @param join start as a new member with an empty group and wait for the cluster to add it
 *     ({@code --join}); a restart recovers the membership from storage either way
 * @param restoreSnapshot a backup to start a new cluster from ({@code --restore-snapshot}); only on an
 *     empty data dir; null for none
 * @param tls TLS for Raft and the client port; null: plaintext (only with {@code --insecure})
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
    Duration watchProgressInterval,
    boolean join,
    Path restoreSnapshot,
    StoreTls tls) {

  public static final int DEFAULT_MAX_REQUEST_BYTES = 1536 * 1024;

  public StoreConfig {
    if (peers.stream().noneMatch(p -> p.id().equals(id))) {
      throw new IllegalArgumentException("this peer's id '" + id + "' is not among the peers " + peers);
    }
    if (join && restoreSnapshot != null) {
      throw new IllegalArgumentException("--join and --restore-snapshot exclude each other: a joining member "
          + "gets its data from the cluster");
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
    return toBuilder(id, peers, dataDir);
  }

  /** This config's settings for another peer. */
  public Builder toBuilder(String id, List<PeerSpec> peers, Path dataDir) {
    return new Builder(id, peers, dataDir).clusterName(clusterName).maxRequestBytes(maxRequestBytes)
        .maxTxnOps(maxTxnOps).quotaBytes(quotaBytes).minLeaseTtlSeconds(minLeaseTtlSeconds)
        .snapshotThreshold(snapshotThreshold).logSegmentBytes(logSegmentBytes).electionTimeout(electionTimeout)
        .requestTimeout(requestTimeout).watchProgressInterval(watchProgressInterval).join(join)
        .restoreSnapshot(restoreSnapshot).tls(tls);
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
    private Duration electionTimeout = Duration.ofMillis(300);
    private Duration requestTimeout = Duration.ofSeconds(10);
    private Duration watchProgressInterval = Duration.ofMinutes(10);
    private boolean join;
    private Path restoreSnapshot;
    private StoreTls tls;

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

    public Builder join(boolean v) {
      join = v;
      return this;
    }

    public Builder restoreSnapshot(Path v) {
      restoreSnapshot = v;
      return this;
    }

    public Builder tls(StoreTls v) {
      tls = v;
      return this;
    }

    public StoreConfig build() {
      return new StoreConfig(clusterName, id, peers, dataDir, maxRequestBytes, maxTxnOps, quotaBytes,
          minLeaseTtlSeconds, snapshotThreshold, logSegmentBytes, electionTimeout, requestTimeout,
          watchProgressInterval, join, restoreSnapshot, tls);
    }
  }
}
