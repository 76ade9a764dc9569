package io.skiff.store.raft;

import io.skiff.proto.store.LogEntry;
import io.skiff.proto.store.LogEntryResult;
import io.skiff.proto.store.StoreError;
import io.skiff.proto.store.StoreRequest;
import io.skiff.proto.store.StoreResponse;
import io.skiff.store.ErrorCode;
import io.skiff.store.mvcc.StoreState;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.CompletableFuture;
import org.apache.ratis.io.MD5Hash;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.storage.FileInfo;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.StateMachineStorage;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.statemachine.impl.SimpleStateMachineStorage;
import org.apache.ratis.statemachine.impl.SingleFileSnapshotInfo;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.thirdparty.com.google.protobuf.UnsafeByteOperations;
import org.apache.ratis.util.LifeCycle;
import org.apache.ratis.util.MD5FileUtil;

/**
 * The Ratis adapter over {@link StoreState}: decodes log entries and queries,
 * applies them in log order, and snapshots the state to a file. All the
 * semantics live in {@code StoreState}; this class only moves bytes.
 *
 * <p>Ratis calls {@code applyTransaction} and {@code takeSnapshot} from one
 * thread, so the applied term-index and the state always match in a snapshot.
 */
final class StoreStateMachine extends BaseStateMachine {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(StoreStateMachine.class);
  private final StoreState state;
  private final SimpleStateMachineStorage storage = new SimpleStateMachineStorage();

  StoreStateMachine(StoreState state) {
    this.state = state;
  }

  @Override
  public void initialize(RaftServer server, RaftGroupId groupId, RaftStorage raftStorage) throws IOException {
    super.initialize(server, groupId, raftStorage);
    storage.init(raftStorage);
    getLifeCycle().startAndTransition(() -> load(storage.getLatestSnapshot()), IOException.class);
  }

  /** Ratis pauses the state machine before it installs a snapshot from the leader. */
  @Override
  public void pause() {
    if (getLifeCycleState() == LifeCycle.State.RUNNING) {
      getLifeCycle().transition(LifeCycle.State.PAUSING);
      getLifeCycle().transition(LifeCycle.State.PAUSED);
    }
  }

  /** After a snapshot was installed: replace the state with it, then run again. */
  @Override
  public void reinitialize() throws IOException {
    load(storage.loadLatestSnapshot());
    if (getLifeCycleState() == LifeCycle.State.PAUSED) {
      getLifeCycle().transition(LifeCycle.State.STARTING);
      getLifeCycle().transition(LifeCycle.State.RUNNING);
    }
  }

  /**
   * Ratis calls this as it applies a configuration entry. A peer removed from the members keeps
   * running until it is stopped, serving nothing current: say so where the operator looks.
   */
  @Override
  public void notifyConfigurationChanged(long term, long index,
      org.apache.ratis.proto.RaftProtos.RaftConfigurationProto conf) {
    boolean member = conf.getPeersList().stream().anyMatch(p -> p.getId().toStringUtf8().equals(getId().toString()));
    if (!member && conf.getPeersCount() > 0) {
      log.warn("{}: removed from the store's members at index {} (members now {}): stop this peer", getId(), index,
          conf.getPeersList().stream().map(p -> p.getId().toStringUtf8()).toList());
    } else {
      log.info("{}: members at index {}: {}", getId(), index,
          conf.getPeersList().stream().map(p -> p.getId().toStringUtf8()).toList());
    }
  }

  @Override
  public StateMachineStorage getStateMachineStorage() {
    return storage;
  }

  /** Refuses bytes that are not a log entry, so garbage never reaches the log. */
  @Override
  public TransactionContext startTransaction(RaftClientRequest request) throws IOException {
    ByteString content = request.getMessage().getContent();
    LogEntry.parseFrom(content.asReadOnlyByteBuffer());
    return TransactionContext.newBuilder()
        .setStateMachine(this)
        .setClientRequest(request)
        .setLogData(content)
        .build();
  }

  @Override
  public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
    LogEntryProto entry = trx.getLogEntry();
    ByteString data = entry.getStateMachineLogEntry().getLogData();
    LogEntryResult result;
    try {
      result = state.apply(LogEntry.parseFrom(data.asReadOnlyByteBuffer()));
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      // startTransaction keeps garbage out of the log; every replica answers the same if it got in anyway
      result = LogEntryResult.newBuilder().addResponses(error("undecodable log entry: " + e.getMessage())).build();
    }
    updateLastAppliedTermIndex(entry.getTerm(), entry.getIndex());
    return CompletableFuture.completedFuture(message(result));
  }

  @Override
  public CompletableFuture<Message> query(Message request) {
    StoreResponse response;
    try {
      StoreRequest parsed = StoreRequest.parseFrom(request.getContent().asReadOnlyByteBuffer());
      response = state.query(parsed, System.currentTimeMillis());
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      response = error("undecodable query: " + e.getMessage());
    }
    return CompletableFuture.completedFuture(message(response));
  }

  @Override
  public long takeSnapshot() throws IOException {
    TermIndex last = getLastAppliedTermIndex();
    File file = storage.getSnapshotFile(last.getTerm(), last.getIndex());
    File tmp = new File(file.getParentFile(), file.getName() + ".tmp");
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp.toPath()), 1 << 16)) {
      state.writeSnapshot(out);
    }
    // fsync before the rename: a crash must leave either no snapshot or a whole one
    try (var channel = java.nio.channels.FileChannel.open(tmp.toPath(), java.nio.file.StandardOpenOption.WRITE)) {
      channel.force(true);
    }
    Files.move(tmp.toPath(), file.toPath(), StandardCopyOption.ATOMIC_MOVE);
    MD5Hash md5 = MD5FileUtil.computeAndSaveMd5ForFile(file);
    storage.updateLatestSnapshot(new SingleFileSnapshotInfo(new FileInfo(file.toPath(), md5), last));
    log.info("{}: snapshot at {} written to {}", getId(), last, file.getName());
    return last.getIndex();
  }

  private void load(SingleFileSnapshotInfo snapshot) throws IOException {
    if (snapshot == null) {
      return;
    }
    File file = snapshot.getFile().getPath().toFile();
    MD5Hash md5 = snapshot.getFile().getFileDigest();
    if (md5 != null) {
      MD5FileUtil.verifySavedMD5(file, md5);
    }
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file.toPath()), 1 << 16)) {
      state.readSnapshot(in);
    }
    setLastAppliedTermIndex(snapshot.getTermIndex());
    log.info("{}: loaded snapshot {}", getId(), snapshot.getTermIndex());
  }

  private static StoreResponse error(String message) {
    return StoreResponse.newBuilder().setError(StoreError.newBuilder()
        .setCode(ErrorCode.INVALID_ARGUMENT.grpcCode).setMessage(message)).build();
  }

  static Message message(com.google.protobuf.MessageLite m) {
    return Message.valueOf(UnsafeByteOperations.unsafeWrap(m.toByteArray()));
  }
}
