package io.skiff.store.mvcc;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.DigestInputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * A backup of the store: the store's own snapshot (as a member writes it for
 * Raft, {@link SnapshotFormat}), zeros up to a multiple of 512 bytes, then the
 * SHA-256 of all that, as etcd appends one to its snapshot database. The padding
 * is for {@code etcdctl snapshot save}, which takes a download for whole only
 * when it is 512-byte pages plus a SHA-256, as etcd's are; readers of the
 * snapshot stop after its last record. {@link #verify} reads a backup
 * whole, checksum and every record, so a corrupt or truncated one is refused
 * before anything is restored from it.
 */
public final class SnapshotBackup {
  public static final int CHECKSUM_BYTES = 32;
  private static final int PAGE_BYTES = 512;

  /** What a verified backup holds. */
  public record Contents(long revision, long compactRevision, long keyVersions, long leases, long snapshotBytes) {
  }

  private SnapshotBackup() {
  }

  /** Writes a backup of {@code state} at one revision to {@code file}, synced; returns the revision. */
  public static long write(StoreState state, Path file) throws IOException {
    MessageDigest sha = sha256();
    long revision;
    try (OutputStream raw = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
      Counting counted = new Counting(raw);
      DigestOutputStream out = new DigestOutputStream(counted, sha);
      revision = state.writeSnapshot(out);
      out.write(new byte[(int) ((PAGE_BYTES - counted.count % PAGE_BYTES) % PAGE_BYTES)]);
      out.flush();
      raw.write(sha.digest());
    }
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
      channel.force(true);
    }
    return revision;
  }

  /** Checks {@code file} is a whole backup: its checksum first, then that every record parses. */
  public static Contents verify(Path file) throws IOException {
    long size = Files.size(file);
    if (size <= CHECKSUM_BYTES) {
      throw new IOException("snapshot " + file + " is truncated: " + size + " bytes");
    }
    long snapshotBytes = size - CHECKSUM_BYTES;
    MessageDigest sha = sha256();
    byte[] trailer;
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
      DigestInputStream digesting = new DigestInputStream(bounded(in, snapshotBytes), sha);
      digesting.transferTo(OutputStream.nullOutputStream());
      trailer = in.readNBytes(CHECKSUM_BYTES);
    }
    byte[] actual = sha.digest();
    if (!Arrays.equals(actual, trailer)) {
      throw new IOException("snapshot " + file + " is corrupt or truncated: its SHA-256 is "
          + HexFormat.of().formatHex(actual) + ", the file says " + HexFormat.of().formatHex(trailer));
    }
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
      InputStream snapshot = bounded(in, snapshotBytes);
      MvccStore scratch = new MvccStore(Long.MAX_VALUE);
      SnapshotFormat.read(snapshot, scratch);
      byte[] rest = snapshot.readAllBytes();
      if (rest.length >= PAGE_BYTES || !Arrays.equals(rest, new byte[rest.length])) {
        throw new IOException("snapshot " + file + " has bytes after its last record");
      }
      return new Contents(scratch.revision(), scratch.compactRevision(), scratch.allVersions().size(),
          scratch.leases.all().size(), snapshotBytes);
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new IOException("snapshot " + file + " is not a store snapshot: " + e.getMessage(), e);
    }
  }

  /** Copies the snapshot part of a verified backup (the bytes a member keeps for Raft) to {@code out}. */
  public static void copySnapshot(Path backup, OutputStream out) throws IOException {
    long snapshotBytes = Files.size(backup) - CHECKSUM_BYTES;
    try (InputStream in = Files.newInputStream(backup)) {
      bounded(in, snapshotBytes).transferTo(out);
    }
  }

  private static InputStream bounded(InputStream in, long limit) {
    return new InputStream() {
      private long left = limit;

      @Override
      public int read() throws IOException {
        if (left <= 0) {
          return -1;
        }
        int b = in.read();
        if (b >= 0) {
          left--;
        }
        return b;
      }

      @Override
      public int read(byte[] buffer, int offset, int length) throws IOException {
        if (left <= 0) {
          return -1;
        }
        int n = in.read(buffer, offset, (int) Math.min(length, left));
        if (n > 0) {
          left -= n;
        }
        return n;
      }
    };
  }

  /** Counts what passes through, for the padding. */
  private static final class Counting extends FilterOutputStream {
    long count;

    Counting(OutputStream out) {
      super(out);
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      count += len;
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
