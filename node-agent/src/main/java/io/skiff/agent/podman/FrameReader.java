package io.skiff.agent.podman;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import io.skiff.agent.runtime.LogSink;
import io.skiff.agent.runtime.RuntimeError;

/**
 * Splits the stream of a container's logs or of an exec into stdout and stderr. Podman sends
 * Docker's multiplexed framing: each frame is an 8-byte header — stream type (0 stdin, 1 stdout,
 * 2 stderr, 3 an engine error), three zero bytes, the payload size as a big-endian uint32 — then
 * the payload. Podman 4.3 frames the logs of containers with and without a terminal alike; a
 * stream that does not start with such a header is read as raw stdout. Not thread-safe.
 */
final class FrameReader {
  /** Large frames are handed out in pieces of at most this many bytes. */
  static final int MAX_CHUNK = 32 * 1024;
  private static final int HEADER = 8;

  /** One piece of output. */
  record Chunk(LogSink.Stream stream, byte[] data) {
  }

  private final InputStream in;
  private Boolean framed; // null until the first bytes are seen
  private LogSink.Stream current = LogSink.Stream.STDOUT;
  private long remaining; // payload bytes left in the current frame

  FrameReader(InputStream in) {
    this.in = in;
  }

  /** The next piece of output, or null at the end of the stream. */
  Chunk next() throws IOException {
    if (framed == null) {
      byte[] header = in.readNBytes(HEADER);
      framed = header.length == HEADER && isHeader(header);
      if (framed) {
        startFrame(header);
      } else if (header.length > 0) {
        return new Chunk(LogSink.Stream.STDOUT, header);
      }
    }
    return framed ? nextFramed() : nextRaw();
  }

  private Chunk nextRaw() throws IOException {
    byte[] buffer = new byte[MAX_CHUNK];
    int n = in.read(buffer);
    return n < 0 ? null : new Chunk(LogSink.Stream.STDOUT, Arrays.copyOf(buffer, n));
  }

  private Chunk nextFramed() throws IOException {
    while (remaining == 0) {
      byte[] header = in.readNBytes(HEADER);
      if (header.length == 0) {
        return null;
      }
      if (header.length < HEADER || !isHeader(header)) {
        throw new IOException("malformed stream from Podman: bad frame header " + Arrays.toString(header));
      }
      startFrame(header);
    }
    byte[] data = in.readNBytes((int) Math.min(remaining, MAX_CHUNK));
    if (data.length == 0) {
      throw new IOException("stream from Podman ended inside a frame");
    }
    remaining -= data.length;
    return new Chunk(current, data);
  }

  private void startFrame(byte[] header) throws IOException {
    remaining = ((header[4] & 0xffL) << 24) | ((header[5] & 0xff) << 16) | ((header[6] & 0xff) << 8)
        | (header[7] & 0xff);
    if (header[0] == 3) {
      byte[] message = in.readNBytes((int) Math.min(remaining, MAX_CHUNK));
      throw new RuntimeError(RuntimeError.Kind.ENGINE, new String(message, StandardCharsets.UTF_8).strip());
    }
    current = header[0] == 2 ? LogSink.Stream.STDERR : LogSink.Stream.STDOUT;
  }

  private static boolean isHeader(byte[] b) {
    return b[0] >= 0 && b[0] <= 3 && b[1] == 0 && b[2] == 0 && b[3] == 0;
  }
}
