package io.skiff.controlplane.process;

import static org.junit.jupiter.api.Assertions.fail;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import io.skiff.pki.TlsFiles;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Runs {@code buf curl} (the Buf CLI, from npm) as a subprocess against one gRPC server, over TLS with
 * a client certificate (or plain-text HTTP/2 for an --insecure server), with the gRPC protocol and the
 * schema from server reflection. Every call is bounded in time.
 */
final class BufCurl {

  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(60);

  /** One finished {@code buf curl}: its exit code (the gRPC code shifted left by 3 on an RPC error) and output. */
  record Result(List<String> command, int exitCode, String stdout, String stderr) {
    String describe() {
      return String.join(" ", command) + "\nexit " + exitCode + "\n--- stdout ---\n" + stdout + "\n--- stderr ---\n" + stderr;
    }

    JsonObject json() {
      return JsonParser.parseString(stdout).getAsJsonObject();
    }
  }

  private final Path buf;
  private final String baseUrl;
  private final Path scratch;
  /** How to reach the server: TLS flags (CA, client certificate and key), or HTTP/2 without TLS. */
  private final List<String> transport;

  /**
   * Calls the gRPC server at {@code target} (host:port) over TLS, trusting {@code tls}' CA and
   * authenticating with its certificate; null {@code tls} for a plain-text server. Keeps output
   * files in {@code scratch}.
   */
  BufCurl(String target, TlsFiles tls, Path scratch) {
    this.buf = locate();
    this.baseUrl = (tls == null ? "http://" : "https://") + target;
    this.transport = tls == null ? List.of("--http2-prior-knowledge")
        : List.of("--cacert", tls.trustedCa().toString(), "--cert", tls.certificate().toString(),
            "--key", tls.privateKey().toString());
    this.scratch = scratch;
  }

  /**
   * The {@code buf} executable on PATH. Its absence fails the calling test: the tests are part of the
   * CI path, and scripts/install-deps.sh installs buf.
   */
  static Path locate() {
    String path = Optional.ofNullable(System.getenv("PATH")).orElse("");
    for (String dir : path.split(File.pathSeparator)) {
      if (!dir.isEmpty()) {
        Path candidate = Path.of(dir, "buf");
        if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
          return candidate;
        }
      }
    }
    return fail("`buf` is not on PATH (" + path + "); scripts/install-deps.sh installs it"
        + " (npm install -g @bufbuild/buf@1.75.0)");
  }

  /** {@code buf curl --list-services} or {@code --list-methods} (through reflection). */
  Result list(String flag) {
    return run(List.of(flag, baseUrl));
  }

  /** A unary or client/bidi-streaming call of {@code service/method} with a JSON body. */
  Result call(String method, String json) {
    return run(List.of("-d", json, baseUrl + "/" + method));
  }

  /** Starts a server-streaming call; its stdout is parsed into JSON messages as they arrive. */
  StreamingCall stream(String method, String json) {
    List<String> command = command(List.of("-d", json, baseUrl + "/" + method));
    try {
      Path stderr = Files.createTempFile(scratch, "buf-stream-", ".err");
      Process process = new ProcessBuilder(command).redirectError(stderr.toFile()).start();
      process.getOutputStream().close();
      return new StreamingCall(command, process, stderr);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private List<String> command(List<String> args) {
    List<String> command = new ArrayList<>(List.of(buf.toString(), "curl", "--protocol", "grpc",
        "--connect-timeout", "10"));
    command.addAll(transport);
    command.addAll(args);
    return command;
  }

  private Result run(List<String> args) {
    List<String> command = command(args);
    try {
      Path out = Files.createTempFile(scratch, "buf-", ".out");
      Path err = Files.createTempFile(scratch, "buf-", ".err");
      Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
      process.getOutputStream().close();
      if (!process.waitFor(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        kill(process);
        fail("buf curl did not finish within " + CALL_TIMEOUT + ": " + String.join(" ", command));
      }
      return new Result(command, process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running buf curl", e);
    }
  }

  /**
   * Kills {@code process} and its children: npm's {@code buf} may be a Node.js launcher that runs the
   * real binary as a child, which killing the launcher alone would leave running.
   */
  static void kill(Process process) {
    List<ProcessHandle> children = process.descendants().toList();
    process.destroyForcibly();
    children.forEach(ProcessHandle::destroyForcibly);
  }

  /** A running server-streaming {@code buf curl}: the messages it printed, in order; close kills it. */
  static final class StreamingCall implements AutoCloseable {
    private static final JsonObject END = new JsonObject();

    private final List<String> command;
    private final Process process;
    private final Path stderr;
    private final BlockingQueue<JsonObject> messages = new LinkedBlockingQueue<>();
    private final List<JsonObject> seen = new ArrayList<>();
    private final Thread reader;

    private StreamingCall(List<String> command, Process process, Path stderr) {
      this.command = command;
      this.process = process;
      this.stderr = stderr;
      this.reader = new Thread(this::read, "buf-stream-reader");
      reader.setDaemon(true);
      reader.start();
    }

    /** buf prints each message as a JSON document, one after another. */
    private void read() {
      try (JsonReader json = new JsonReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        json.setLenient(true);
        while (json.peek() != JsonToken.END_DOCUMENT) {
          messages.add(JsonParser.parseReader(json).getAsJsonObject());
        }
      } catch (IOException | RuntimeException e) {
        // the stream ended (killed, or buf failed): the test sees END and the collected output
      } finally {
        messages.add(END);
      }
    }

    /**
     * Reads messages until one matches, failing if the stream ends or {@code timeout} passes first.
     * Messages read on the way are kept (see {@link #seen}).
     */
    JsonObject await(String what, Predicate<JsonObject> match, Duration timeout) {
      long deadline = System.nanoTime() + timeout.toNanos();
      try {
        while (true) {
          long left = deadline - System.nanoTime();
          JsonObject next = left > 0 ? messages.poll(left, TimeUnit.NANOSECONDS) : null;
          if (next == null) {
            return fail("no " + what + " within " + timeout + "\n" + describe());
          }
          if (next == END) {
            messages.add(END);
            return fail("the stream ended before " + what + "\n" + describe());
          }
          seen.add(next);
          if (match.test(next)) {
            return next;
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }

    /** Every message read so far by {@link #await}, in order. */
    List<JsonObject> seen() {
      return seen;
    }

    private String describe() {
      String err;
      try {
        err = Files.readString(stderr, StandardCharsets.UTF_8);
      } catch (IOException e) {
        err = e.toString();
      }
      return String.join(" ", command) + "\nalive: " + process.isAlive() + "\nmessages so far: " + seen
          + "\n--- stderr ---\n" + err;
    }

    @Override
    public void close() {
      kill(process);
      try {
        process.waitFor(10, TimeUnit.SECONDS);
        reader.join(TimeUnit.SECONDS.toMillis(10));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
