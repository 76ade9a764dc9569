package io.skiff.store.etcd;

import com.google.protobuf.ByteString;
import io.grpc.stub.ServerCallStreamObserver;
import io.skiff.store.BackupFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a backup file down a server stream in chunks, as fast as the client
 * reads them (gRPC flow control), then deletes the file — also when the
 * client goes away. Serves etcd's Maintenance.Snapshot and the Skiff API's
 * Cluster.Snapshot alike; {@link Chunks} makes each one's message.
 *
 * <p>Create it while the call is being set up (gRPC takes flow-control handlers only then),
 * then {@link #start} it with the backup being written. Thread-safe.
 */
public final class BackupStream<T> {
  private static final Logger log = LoggerFactory.getLogger(BackupStream.class);
  private static final int CHUNK_BYTES = 256 * 1024;

  /** One chunk's message. */
  public interface Chunks<T> {
    /** {@code data} starts at {@code offset} of the backup; {@code remaining} bytes follow it. */
    T chunk(BackupFile backup, ByteString data, long offset, long remaining);
  }

  private final ServerCallStreamObserver<T> stream;
  private final Chunks<T> chunks;
  private BackupFile backup;
  private FileChannel channel;
  private long offset;
  private boolean done;

  public BackupStream(ServerCallStreamObserver<T> stream, Chunks<T> chunks) {
    this.stream = stream;
    this.chunks = chunks;
    stream.setOnReadyHandler(this::drain);
    stream.setOnCancelHandler(() -> finish(null));
  }

  public void start(CompletableFuture<BackupFile> written) {
    written.whenComplete((file, error) -> {
      if (error != null) {
        synchronized (this) {
          if (!done) {
            done = true;
            stream.onError(Replies.toStatus(error));
          }
        }
        return;
      }
      synchronized (this) {
        backup = file;
        if (done) { // cancelled while it was being written
          delete(file);
          return;
        }
        try {
          channel = FileChannel.open(file.file());
        } catch (IOException e) {
          finish(e);
          return;
        }
      }
      drain();
    });
  }

  private synchronized void drain() {
    if (done || channel == null) {
      return;
    }
    try {
      while (stream.isReady()) {
        ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(CHUNK_BYTES, Math.max(1, backup.sizeBytes() - offset)));
        int n = channel.read(buffer, offset);
        if (n <= 0) {
          stream.onCompleted();
          finish(null);
          return;
        }
        buffer.flip();
        offset += n;
        stream.onNext(chunks.chunk(backup, ByteString.copyFrom(buffer), offset - n, backup.sizeBytes() - offset));
        if (offset >= backup.sizeBytes()) {
          stream.onCompleted();
          finish(null);
          return;
        }
      }
    } catch (IOException e) {
      finish(e);
    }
  }

  private synchronized void finish(IOException error) {
    if (done) {
      return;
    }
    done = true;
    if (error != null) {
      log.warn("sending the snapshot failed", error);
      stream.onError(io.grpc.Status.INTERNAL.withDescription("reading the snapshot failed: " + error.getMessage())
          .asRuntimeException());
    }
    try {
      if (channel != null) {
        channel.close();
      }
    } catch (IOException e) {
      log.debug("closing the snapshot failed", e);
    }
    if (backup != null) {
      delete(backup);
    }
  }

  private static void delete(BackupFile file) {
    try {
      Files.deleteIfExists(file.file());
    } catch (IOException e) {
      log.warn("could not delete {}", file.file(), e);
    }
  }
}
