package io.skiff.store.raft;

import io.skiff.store.BackupFile;
import io.skiff.store.ErrorCode;
import io.skiff.store.PeerSpec;
import io.skiff.store.PeerStatus;
import io.skiff.store.Store;
import io.skiff.store.StoreConfig;
import io.skiff.store.StoreException;
import io.skiff.store.mvcc.SnapshotBackup;
import io.skiff.store.mvcc.RequestValidator;
import io.skiff.store.mvcc.StoreState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
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
  private static final String BACKUP_PREFIX = "backup-";

  private final StoreConfig config;
  private final RaftGroupId groupId;
  /** The group this peer starts with: the configured peers, or none when it joins a running cluster. */
  private final RaftGroup initialGroup;
  private final StoreState state;
  private final long memberId;
  private final long clusterId;
  private RaftServer server;
  private RaftGateway raft;
  private LeaseExpirer leaseExpirer;
  private RaftStore store;
  private Membership membership;
  /** Membership changes and backups: slow, rare, one at a time, never on the callers' threads. */
  private final ExecutorService admin = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "store-admin");
    t.setDaemon(true);
    return t;
  });
  /** Completes callers' futures, so their continuations never run on Ratis' apply thread. */
  private final ExecutorService completions = Executors.newFixedThreadPool(2, r -> {
    Thread t = new Thread(r, "store-completions");
    t.setDaemon(true);
    return t;
  });

  @jakarta.inject.Inject
  public StorePeer(StoreConfig config) {
    this.config = config;
    this.groupId = MemberIds.groupId(config.clusterName());
    this.initialGroup = config.join() ? RaftGroup.valueOf(groupId)
        : RaftGroup.valueOf(groupId, config.peers().stream().map(RaftPeers::of).toList());
    this.state = new StoreState(config.quotaBytes(), config.watchProgressInterval());
    this.memberId = MemberIds.memberId(config.clusterName(), config.id());
    this.clusterId = MemberIds.clusterId(config.clusterName());
  }

  public void start() throws IOException {
    RaftProperties properties = RaftSettings.of(config);
    Parameters tls = RaftTls.parameters(config.tls());
    Files.createDirectories(config.dataDir().resolve("raft"));
    deleteLeftBackups();
    Path groupDir = config.dataDir().resolve("raft").resolve(groupId.getUuid().toString());
    if (config.restoreSnapshot() != null) {
      SnapshotRestore.restore(config.restoreSnapshot(), groupDir, properties);
    }
    boolean formatted = Files.exists(groupDir);
    // on RECOVER, the membership stored with the log (and Ratis' raft-meta.conf) wins over initialGroup
    server = RaftServer.newBuilder()
        .setServerId(RaftPeerId.valueOf(config.id()))
        .setGroup(initialGroup)
        .setProperties(properties)
        .setParameters(tls)
        .setStateMachine(new StoreStateMachine(state))
        .setOption(formatted ? RaftStorage.StartupOption.RECOVER : RaftStorage.StartupOption.FORMAT)
        .build();
    server.start();
    membership = new Membership(server, groupId, config.peers(), group -> client(group, null, properties, tls, retryPolicy()),
        group -> client(group, null, properties, tls, RetryPolicies.noRetry()), admin);
    // a write waits for a leader at most an election's longest timeout: an election normally ends within it
    raft = new RaftGateway(server, groupId, new RaftClients((group, leader) -> client(group, leader, properties,
        tls, retryPolicy()), membership::group, config.requestTimeout()), completions, config.requestTimeout(),
        config.electionTimeout().multipliedBy(2));
    Proposer proposer = new Proposer(raft, MAX_IN_FLIGHT_ENTRIES, MAX_BATCH_BYTES, System::currentTimeMillis, completions);
    leaseExpirer = new LeaseExpirer(state, proposer, this::isLeaderReady);
    leaseExpirer.start();
    store = new RaftStore(state, proposer, raft, new RequestValidator(config.maxTxnOps(), config.maxRequestBytes()),
        config.minLeaseTtlSeconds(), this::header, () -> ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE),
        completions);
    // the election timeout is logged for the failover benchmark, which reports the setting it ran with
    log.info("store peer {} started: raft {} ({}), members {}{}, data {}, election timeout {} ms", config.id(),
        config.self().raftAddress(), config.tls() == null ? "plaintext" : "mutual TLS", members(),
        config.join() ? " (joining: waits to be added)" : "",
        config.dataDir(), config.electionTimeout().toMillis());
  }

  /**
   * A Ratis client of {@code group} that tries {@code leader} first (null: finds the leader itself), with
   * the peer's TLS ({@code tls}) when it has some.
   */
  private static RaftClient client(RaftGroup group, RaftPeerId leader, RaftProperties properties, Parameters tls,
      RetryPolicy retry) {
    return RaftClient.newBuilder()
        .setClientId(ClientId.randomId())
        .setRaftGroup(group)
        .setLeaderId(leader)
        .setProperties(properties)
        .setParameters(tls)
        .setRetryPolicy(retry)
        .build();
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

  /**
   * The store's members now, from Ratis' configuration, by id: what every member
   * learned through the log, whatever its command line said. A configuration takes
   * effect when it is appended (Raft's rule), so while a change commits this lists
   * the members it proposes; a joining peer not yet added lists none.
   */
  public List<PeerSpec> members() {
    return membership.members();
  }

  /**
   * Adds a member through Raft's configuration change. The new member must already run,
   * started with {@code --join}; it is caught up (by snapshot when the log was purged) before
   * the change commits. Fails with ALREADY_EXISTS for a known id or address, FAILED_PRECONDITION
   * when nothing with that id answers at its raft address.
   */
  public CompletableFuture<List<PeerSpec>> addMember(PeerSpec spec) {
    return membership.add(spec);
  }

  /** Removes a member, the leader included; NOT_FOUND for an unknown id, FAILED_PRECONDITION for the last. */
  public CompletableFuture<List<PeerSpec>> removeMember(String id) {
    return membership.remove(id);
  }

  /** The id of the store peer that serves Raft at {@code raftAddress} (a member to be added answers too). */
  public CompletableFuture<String> peerIdAt(String raftAddress) {
    return CompletableFuture.supplyAsync(() -> membership.idAt(raftAddress), admin);
  }

  /**
   * A backup of the whole store at one revision, written to a new file in the data dir: taken
   * after a ReadIndex round, so it holds every write acknowledged before the call.
   */
  public CompletableFuture<BackupFile> saveSnapshot() {
    return store.barrier().thenApplyAsync(ready -> {
      Path file = null;
      try {
        file = Files.createTempFile(config.dataDir(), BACKUP_PREFIX, ".tmp");
        long revision = SnapshotBackup.write(state, file);
        return new BackupFile(file, revision, Files.size(file));
      } catch (IOException e) {
        deleteQuietly(file);
        throw new StoreException(ErrorCode.INTERNAL, "writing the snapshot failed: " + e.getMessage());
      }
    }, admin);
  }

  /** Backups being sent when this process last stopped: nobody will read them. */
  private void deleteLeftBackups() throws IOException {
    try (var left = Files.newDirectoryStream(config.dataDir(), BACKUP_PREFIX + "*.tmp")) {
      for (Path file : left) {
        deleteQuietly(file);
      }
    }
  }

  private static void deleteQuietly(Path file) {
    try {
      if (file != null) {
        Files.deleteIfExists(file);
      }
    } catch (IOException e) {
      log.warn("could not delete {}", file, e);
    }
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
    admin.shutdownNow();
    state.close();
    log.info("store peer {} stopped", config.id());
  }
}
