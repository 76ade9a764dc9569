package io.skiff.agent.podman;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import io.skiff.agent.runtime.LogSink;
import io.skiff.agent.runtime.RuntimeError;
import org.junit.jupiter.api.Test;

class FrameReaderTest {
  @Test
  void framedStreamIsSplitByStream() throws IOException {
    byte[] in = concat(frame(1, "out1\n"), frame(2, "err1\n"), frame(1, "out2\n"));
    assertEquals(List.of("STDOUT:out1\n", "STDERR:err1\n", "STDOUT:out2\n"), read(in));
  }

  @Test
  void rawStreamIsStdout() throws IOException {
    assertEquals("plain text\n", String.join("", stdout(read("plain text\n".getBytes(StandardCharsets.UTF_8)))));
    assertEquals(List.of("STDOUT:abc"), read("abc".getBytes(StandardCharsets.UTF_8)));
    assertEquals(List.of(), read(new byte[0]));
  }

  private static List<String> stdout(List<String> chunks) {
    return chunks.stream().peek(c -> assertTrue(c.startsWith("STDOUT:"), c)).map(c -> c.substring(7)).toList();
  }

  @Test
  void largeFrameComesInPieces() throws IOException {
    byte[] payload = new byte[FrameReader.MAX_CHUNK * 2 + 5];
    java.util.Arrays.fill(payload, (byte) 'x');
    FrameReader reader = new FrameReader(new ByteArrayInputStream(concat(header(2, payload.length), payload)));
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    int pieces = 0;
    for (FrameReader.Chunk c; (c = reader.next()) != null; pieces++) {
      assertEquals(LogSink.Stream.STDERR, c.stream());
      all.writeBytes(c.data());
    }
    assertEquals(3, pieces);
    assertArrayEquals(payload, all.toByteArray());
  }

  @Test
  void truncatedOrCorruptStreamFails() {
    byte[] cut = java.util.Arrays.copyOf(frame(1, "hello"), 10);
    FrameReader reader = new FrameReader(new ByteArrayInputStream(cut));
    assertThrows(IOException.class, () -> {
      while (reader.next() != null) {
        // read on
      }
    });
    byte[] garbage = concat(frame(1, "ok"), "not a header".getBytes(StandardCharsets.UTF_8));
    FrameReader bad = new FrameReader(new ByteArrayInputStream(garbage));
    assertThrows(IOException.class, () -> {
      while (bad.next() != null) {
        // read on
      }
    });
  }

  @Test
  void engineErrorFrameIsARuntimeError() throws IOException {
    FrameReader reader = new FrameReader(new ByteArrayInputStream(concat(frame(1, "a"), frame(3, "it broke\n"))));
    assertEquals("a", new String(reader.next().data(), StandardCharsets.UTF_8));
    RuntimeError e = assertThrows(RuntimeError.class, reader::next);
    assertEquals("it broke", e.getMessage());
  }

  @Test
  void emptyFramesAreSkipped() throws IOException {
    FrameReader reader = new FrameReader(new ByteArrayInputStream(concat(frame(1, ""), frame(2, "x"))));
    assertEquals(LogSink.Stream.STDERR, reader.next().stream());
    assertNull(reader.next());
  }

  private static List<String> read(byte[] in) throws IOException {
    FrameReader reader = new FrameReader(new ByteArrayInputStream(in));
    List<String> out = new ArrayList<>();
    for (FrameReader.Chunk c; (c = reader.next()) != null; ) {
      out.add(c.stream() + ":" + new String(c.data(), StandardCharsets.UTF_8));
    }
    return out;
  }

  static byte[] frame(int type, String payload) {
    byte[] p = payload.getBytes(StandardCharsets.UTF_8);
    return concat(header(type, p.length), p);
  }

  private static byte[] header(int type, int size) {
    return new byte[] {(byte) type, 0, 0, 0, (byte) (size >>> 24), (byte) (size >>> 16), (byte) (size >>> 8),
        (byte) size};
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }
}
