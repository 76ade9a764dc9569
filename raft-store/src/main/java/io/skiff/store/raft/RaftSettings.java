package io.skiff.store.raft;

import io.skiff.store.PeerSpec;
import io.skiff.store.StoreConfig;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.util.SizeInBytes;
import org.apache.ratis.util.TimeDuration;

/** The Ratis properties of a store peer, each with the reason it differs from Ratis' default. */
final class RaftSettings {
  /** Room for the largest request plus batching around it. */
  static final SizeInBytes MAX_ENTRY = SizeInBytes.valueOf("8MB");

  static final String OVERRIDE_PREFIX = "skiff.raft.";

  private RaftSettings() {
  }

  static RaftProperties of(StoreConfig config) {
    RaftProperties p = new RaftProperties();
    PeerSpec self = config.self();
    RaftServerConfigKeys.setStorageDir(p, List.of(config.dataDir().resolve("raft").toFile()));
    GrpcConfigKeys.Server.setHost(p, PeerSpec.host(self.raftAddress()));
    GrpcConfigKeys.Server.setPort(p, PeerSpec.port(self.raftAddress()));

    // Ratis' default read is not linearizable; ReadIndex is.
    RaftServerConfigKeys.Read.setOption(p, RaftServerConfigKeys.Read.Option.LINEARIZABLE);
    // What keeps a leader cut off from the majority from answering reads out of its own state: the read
    // index is confirmed by a heartbeat round with a majority. Ratis' defaults, pinned: with the check off
    // the leader answers at once, and a leader lease would trust clocks. NetworkPartitionProcessTest
    // (control-plane) reads through an isolated leader.
    RaftServerConfigKeys.Read.setLeaderHeartbeatCheckEnabled(p, true);
    RaftServerConfigKeys.Read.setLeaderLeaseEnabled(p, false);

    // Snapshots bound the log a restarted or new peer replays; the log is purged up to them.
    RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(p, true);
    RaftServerConfigKeys.Snapshot.setAutoTriggerThreshold(p, config.snapshotThreshold());
    RaftServerConfigKeys.Snapshot.setRetentionFileNum(p, 2);
    RaftServerConfigKeys.Log.setPurgeUptoSnapshotIndex(p, true);
    RaftServerConfigKeys.Log.setSegmentSizeMax(p, SizeInBytes.valueOf(config.logSegmentBytes()));
    RaftServerConfigKeys.Log.setPurgeGap(p, (int) Math.max(1, Math.min(1024, config.snapshotThreshold() / 2)));

    // Election timeouts: 300-600 ms by default (Ratis' own: 150-300). Ratis' follower sleeps a whole
    // random timeout between checks, so a dead leader is noticed after one to two timeouts: with
    // 1-2 s the first write came 2.1 s after a leader's kill, with 500-1000 ms 1.5 s, with 300-600 ms
    // 1.26 s (etcd 3.4 beside it: 1.38 s; scripts/bench-failover.sh). Heartbeats, every half minimum
    // (150 ms), still ride over this machine's GC pauses (tens of ms).
    long min = config.electionTimeout().toMillis();
    RaftServerConfigKeys.Rpc.setTimeoutMin(p, TimeDuration.valueOf(min, TimeUnit.MILLISECONDS));
    RaftServerConfigKeys.Rpc.setTimeoutMax(p, TimeDuration.valueOf(2 * min, TimeUnit.MILLISECONDS));
    RaftServerConfigKeys.Rpc.setRequestTimeout(p, TimeDuration.valueOf(Math.max(3000, 3 * min), TimeUnit.MILLISECONDS));

    // Ratis logs every commit-index change as an extra entry, each replicated and fsynced;
    // Raft does not need the commit index to be durable. Off: a single-client put went from
    // 3.2 to 2.1 ms (p50, three peers in one JVM, this 2-core machine).
    RaftServerConfigKeys.Log.setLogMetadataEnabled(p, false);

    // Entries carry batches of requests up to the request size limit.
    RaftServerConfigKeys.Log.setWriteBufferSize(p, SizeInBytes.valueOf(MAX_ENTRY.getSize() + 1024));
    RaftServerConfigKeys.Log.Appender.setBufferByteLimit(p, MAX_ENTRY);
    GrpcConfigKeys.setMessageSizeMax(p, SizeInBytes.valueOf(2 * MAX_ENTRY.getSizeInt()));

    RaftClientConfigKeys.Rpc.setRequestTimeout(p, TimeDuration.valueOf(config.requestTimeout().toMillis(), TimeUnit.MILLISECONDS));

    // Expert override for tuning experiments: -Dskiff.raft.raft.server.x=y sets Ratis' raft.server.x.
    System.getProperties().stringPropertyNames().stream()
        .filter(k -> k.startsWith(OVERRIDE_PREFIX))
        .forEach(k -> p.set(k.substring(OVERRIDE_PREFIX.length()), System.getProperty(k)));
    return p;
  }
}
