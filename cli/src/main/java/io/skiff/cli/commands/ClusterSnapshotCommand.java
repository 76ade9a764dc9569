package io.skiff.cli.commands;

import io.skiff.api.v1.SnapshotChunk;
import io.skiff.api.v1.SnapshotRequest;
import io.skiff.cli.CliException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Iterator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code skiff cluster snapshot}: backups of the cluster's store. */
@Command(name = "snapshot", header = "Back up the cluster's store.", synopsisSubcommandLabel = "COMMAND",
    subcommands = ClusterSnapshotCommand.Save.class)
public final class ClusterSnapshotCommand implements Runnable {
  /** The backup ends with the SHA-256 of the bytes before it. */
  private static final int CHECKSUM_BYTES = 32;

  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(name = "save", header = "Save a backup of the whole store to FILE.",
      description = {"", "A consistent snapshot of the store at one revision (every key with its history, "
          + "every lease), in the store's own snapshot format followed by its SHA-256. The checksum is checked, "
          + "then the file is written whole or not at all (a temporary file renamed into place).",
          "", "Restore a new cluster from it with the master's --restore-snapshot FILE, into an empty data dir "
          + "(see the README's \"Membership and backups\"). `etcdctl snapshot save` fetches the same bytes from a "
          + "store endpoint; etcdctl's `snapshot status` and `snapshot restore` read only etcd's own format and "
          + "cannot read this one.",
          "", "Waits at least 5 minutes (or --request-timeout if longer)."},
      footerHeading = "%nExamples:%n", footer = {"  skiff cluster snapshot save backup.snap"})
  static final class Save extends BaseCommand {
    @Parameters(index = "0", paramLabel = "FILE", description = "Where to write the backup.")
    Path file;

    @Override
    public Integer call() throws IOException {
      Path target = file.toAbsolutePath();
      if (!Files.isDirectory(target.getParent())) {
        throw new CliException("cannot write " + file + ": directory " + target.getParent() + " does not exist");
      }
      if (Files.isDirectory(target)) {
        throw new CliException("cannot write " + file + ": it is a directory");
      }
      Path temp;
      try {
        temp = Files.createTempFile(target.getParent(), "." + target.getFileName() + ".", ".part");
      } catch (IOException e) {
        throw new CliException("cannot write in " + target.getParent() + ": " + e.getMessage());
      }
      try {
        long revision = receive(temp);
        verify(temp);
        move(temp, target);
        out().println("Snapshot saved at " + file + ": revision " + revision + ", " + Files.size(target) + " bytes");
        return 0;
      } finally {
        Files.deleteIfExists(temp);
      }
    }

    private long receive(Path temp) throws IOException {
      Iterator<SnapshotChunk> chunks = ClusterMemberCommands.slowStub(this).snapshot(SnapshotRequest.getDefaultInstance());
      long revision = 0;
      long total = -1;
      long received = 0;
      try (OutputStream out = Files.newOutputStream(temp)) {
        while (chunks.hasNext()) {
          SnapshotChunk chunk = chunks.next();
          if (total < 0) {
            revision = chunk.getRevision();
            total = chunk.getTotalBytes();
          }
          chunk.getData().writeTo(out);
          received += chunk.getData().size();
        }
      }
      if (received != total) {
        throw new CliException("the snapshot stream ended after " + received + " of " + total + " bytes");
      }
      try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        channel.force(true);
      }
      return revision;
    }

    private static void verify(Path temp) throws IOException {
      long size = Files.size(temp);
      if (size <= CHECKSUM_BYTES) {
        throw new CliException("the snapshot received is too short (" + size + " bytes)");
      }
      MessageDigest sha = sha256();
      byte[] trailer;
      try (InputStream in = Files.newInputStream(temp)) {
        byte[] buffer = new byte[1 << 16];
        long left = size - CHECKSUM_BYTES;
        while (left > 0) {
          int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
          sha.update(buffer, 0, n);
          left -= n;
        }
        trailer = in.readNBytes(CHECKSUM_BYTES);
      }
      if (!Arrays.equals(sha.digest(), trailer)) {
        throw new CliException("the snapshot received does not match its SHA-256; nothing was saved");
      }
    }

    private static void move(Path temp, Path target) throws IOException {
      try {
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    }

    private static MessageDigest sha256() {
      try {
        return MessageDigest.getInstance("SHA-256");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("SHA-256 is part of every JVM", e);
      }
    }
  }
}
