package io.skiff.store.raft;

import io.skiff.store.PeerSpec;
import io.skiff.store.PeerStatus;
import io.skiff.store.Store;
import io.skiff.store.StoreConfig;
import io.skiff.store.mvcc.RequestValidator;
import io.skiff.store.mvcc.StoreState;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.retry.RetryPolicy;
import org.apache.ratis.server.DivisionInfo;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.util.TimeDuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One member of a store cluster, embedded in this process: a Ratis server over
 * the {@link StoreState}, a Ratis client that proposes writes and linearizable
 * reads, and the leader's lease expirer. {@link #store()} is the Java API.
 *
 * <p>Lifecycle: construct, {@link #start()}, {@link #close()}. Thread-safe after start.
 */
public final class StorePeer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(StorePeer.class);
  /**
   * Log entries being replicated at once. Fewer means bigger batches and less CPU per write;
   * measured here with 100 clients: 1 → ~6,000 puts/s, 2 → ~5,400, 8 → ~4,600 (noisy, ±15%).
   * Two keeps one batch forming while one commits.
   */
  private static final int MAX_IN_FLIGHT_ENTRIES = 2;
  private static final int MAX_BATCH_BYTES = 1 << 20;

  private final StoreConfig config;
  private final RaftGroupId groupId;
  private final RaftGroup group;
  private final StoreState state;
  private final long memberId;
  private final long clusterId;
  private RaftServer server;
  private RaftGateway raft;
  private LeaseExpirer leaseExpirer;
  private RaftStore store;
  /** Completes callers' futures, so their continuations never run on Ratis' apply thread. */
  private final java.util.concurrent.ExecutorService completions = java.util.concurrent.Executors.newFixedThreadPool(2, r -> {
    Thread t = new Thread(r, "store-completions");
    t.setDaemon(true);
    return t;
  });

  @jakarta.inject.Inject
  public StorePeer(StoreConfig config) {
    this.config = config;
    this.groupId = MemberIds.groupId(config.clusterName());
    this.group = RaftGroup.valueOf(groupId, config.peers().stream().map(StorePeer::raftPeer).toList());
    this.state = new StoreState(config.quotaBytes(), config.watchProgressInterval());
    this.memberId = MemberIds.memberId(config.clusterName(), config.id());
    this.clusterId = MemberIds.clusterId(config.clusterName());
  }

  private static RaftPeer raftPeer(PeerSpec spec) {
    return RaftPeer.newBuilder().setId(spec.id()).setAddress(spec.raftAddress()).build();
  }

  public void start() throws IOException {
    RaftProperties properties = RaftSettings.of(config);
    Files.createDirectories(config.dataDir().resolve("raft"));
    boolean formatted = Files.exists(config.dataDir().resolve("raft").resolve(groupId.getUuid().toString()));
    server = RaftServer.newBuilder()
        .setServerId(RaftPeerId.valueOf(config.id()))
        .setGroup(group)
        .setProperties(properties)
        .setStateMachine(new StoreStateMachine(state))
        .setOption(formatted ? RaftStorage.StartupOption.RECOVER : RaftStorage.StartupOption.FORMAT)
        .build();
    server.start();
    raft = new RaftGateway(server, groupId, new RaftClients(() -> RaftClient.newBuilder()
        .setClientId(ClientId.randomId())
        .setRaftGroup(group)
        .setProperties(properties)
        .setRetryPolicy(retryPolicy())
        .build()), completions, config.requestTimeout());
    Proposer proposer = new Proposer(raft, MAX_IN_FLIGHT_ENTRIES, MAX_BATCH_BYTES, System::currentTimeMillis, completions);
    leaseExpirer = new LeaseExpirer(state, proposer, this::isLeaderReady);
    leaseExpirer.start();
    store = new RaftStore(state, proposer, raft, new RequestValidator(config.maxTxnOps(), config.maxRequestBytes()),
        config.minLeaseTtlSeconds(), this::header, () -> ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE),
        completions);
    // the election timeout is logged for the failover benchmark, which reports the setting it ran with
    log.info("store peer {} started: raft {}, {} peers, data {}, election timeout {} ms", config.id(),
        config.self().raftAddress(), config.peers().size(), config.dataDir(), config.electionTimeout().toMillis());
  }

  /** Retries (leader changes, restarts) until the request timeout; Ratis' retry cache keeps them exactly-once. */
  private RetryPolicy retryPolicy() {
    long sleepMillis = 100;
    int attempts = (int) Math.max(1, config.requestTimeout().toMillis() / sleepMillis);
    return RetryPolicies.retryUpToMaximumCountWithFixedSleep(attempts, TimeDuration.valueOf(sleepMillis, TimeUnit.MILLISECONDS));
  }

  public Store store() {
    return store;
  }

  public StoreConfig config() {
    return config;
  }

  public long memberId() {
    return memberId;
  }

  public long memberId(String peerId) {
    return MemberIds.memberId(config.clusterName(), peerId);
  }

  public List<PeerSpec> peers() {
    return config.peers();
  }

  /** Ratis' view of this peer's group, for tests and diagnostics. */
  org.apache.ratis.server.RaftServer.Division division() throws IOException {
    return server.getDivision(groupId);
  }

  private DivisionInfo info() throws IOException {
    return server.getDivision(groupId).getInfo();
  }

  /** True when this peer leads and has committed an entry of its term (so its reads are current). */
  public boolean isLeaderReady() {
    try {
      DivisionInfo info = info();
      return info.isLeader() && info.isLeaderReady();
    } catch (IOException e) {
      return false;
    }
  }

  /** Watchers registered on this peer, for diagnostics and tests. */
  public int watchers() {
    return state.watchHub().size();
  }

  public PeerStatus status() {
    try {
      var division = server.getDivision(groupId);
      DivisionInfo info = division.getInfo();
      RaftPeerId leader = info.getLeaderId();
      return new PeerStatus(clusterId, memberId, leader == null ? 0 : memberId(leader.toString()),
          info.getCurrentTerm(), division.getRaftLog().getLastCommittedIndex(), info.getLastAppliedIndex(),
          state.revision(), state.sizeBytes());
    } catch (IOException e) {
      return new PeerStatus(clusterId, memberId, 0, 0, 0, 0, state.revision(), state.sizeBytes());
    }
  }

  /** etcd's response header from this peer at {@code revision}. */
  public io.skiff.proto.etcd.ResponseHeader.Builder header(long revision) {
    long term;
    try {
      term = info().getCurrentTerm();
    } catch (IOException e) {
      term = 0;
    }
    return io.skiff.proto.etcd.ResponseHeader.newBuilder()
        .setClusterId(clusterId).setMemberId(memberId).setRaftTerm(term).setRevision(revision);
  }

  @Override
  public void close() throws IOException {
    if (leaseExpirer != null) {
      leaseExpirer.close();
    }
    if (raft != null) {
      raft.close();
    }
    if (server != null) {
      server.close();
    }
    completions.shutdownNow();
    state.close();
    log.info("store peer {} stopped", config.id());
  }
}
