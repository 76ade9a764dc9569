package io.skiff.store.raft;

import io.skiff.store.mvcc.SnapshotBackup;
import java.io.BufferedOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.impl.SimpleStateMachineStorage;
import org.apache.ratis.util.MD5FileUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts a member of a new cluster from a backup, as {@code etcdctl snapshot
 * restore} does: the backup is checked whole, then becomes this member's Raft
 * snapshot at term 1, index 1 in freshly formatted storage. Every member
 * restored from the same file holds the same snapshot at the same index, so
 * they agree from the first entry on; the log starts after it, so a member
 * added later receives the snapshot (install) rather than an empty history.
 */
final class SnapshotRestore {
  private static final Logger log = LoggerFactory.getLogger(SnapshotRestore.class);
  static final TermIndex RESTORED_AT = TermIndex.valueOf(1, 1);

  private SnapshotRestore() {
  }

  /** Fails, writing nothing, if {@code backup} is not a whole backup or {@code groupDir} exists. */
  static void restore(Path backup, Path groupDir, RaftProperties properties) throws IOException {
    if (!Files.isRegularFile(backup)) {
      throw new IOException("--restore-snapshot " + backup + ": no such file");
    }
    SnapshotBackup.Contents contents = SnapshotBackup.verify(backup);
    if (Files.exists(groupDir)) {
      throw new IOException("--restore-snapshot needs an empty data dir, and " + groupDir
          + " already holds a store: restore into a new data dir (or drop the flag to start what is there)");
    }
    try {
      writeSnapshot(backup, groupDir, properties);
    } catch (IOException | RuntimeException e) {
      deleteRecursively(groupDir); // nothing half-restored: the next start finds an empty data dir again
      throw e;
    }
    log.info("restored {} into {}: revision {}, {} key versions, {} leases", backup, groupDir,
        contents.revision(), contents.keyVersions(), contents.leases());
  }

  private static void writeSnapshot(Path backup, Path groupDir, RaftProperties properties) throws IOException {
    try (RaftStorage storage = RaftStorage.newBuilder()
        .setDirectory(groupDir.toFile())
        .setOption(RaftStorage.StartupOption.FORMAT)
        .setLogCorruptionPolicy(RaftServerConfigKeys.Log.corruptionPolicy(properties))
        .setStorageFreeSpaceMin(RaftServerConfigKeys.storageFreeSpaceMin(properties))
        .build()) {
      storage.initialize();
      SimpleStateMachineStorage snapshots = new SimpleStateMachineStorage();
      snapshots.init(storage);
      File file = snapshots.getSnapshotFile(RESTORED_AT.getTerm(), RESTORED_AT.getIndex());
      try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file.toPath()), 1 << 16)) {
        SnapshotBackup.copySnapshot(backup, out);
      }
      try (FileChannel channel = FileChannel.open(file.toPath(), StandardOpenOption.WRITE)) {
        channel.force(true);
      }
      MD5FileUtil.computeAndSaveMd5ForFile(file);
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var files = Files.walk(dir)) {
      for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
