package io.skiff.store.process;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real {@code etcdctl} (v3 API) as a process against fixed endpoints. The binary is
 * {@code etcdctl} on the PATH unless the system property {@code etcdctl.binary} names another.
 */
public final class Etcdctl {

  /** Upper bound for one command; etcdctl's own --command-timeout normally ends it far sooner. */
  private static final Duration PROCESS_TIMEOUT = Duration.ofSeconds(60);

  private final List<String> endpoints;
  private final Duration commandTimeout;
  /** --cacert, --cert, --key for a TLS store port; empty for plaintext. */
  private final List<String> tlsFlags;

  public Etcdctl(List<String> endpoints) {
    this(endpoints, Duration.ofSeconds(10));
  }

  public Etcdctl(List<String> endpoints, Duration commandTimeout) {
    this(endpoints, commandTimeout, List.of());
  }

  private Etcdctl(List<String> endpoints, Duration commandTimeout, List<String> tlsFlags) {
    this.endpoints = List.copyOf(endpoints);
    this.commandTimeout = commandTimeout;
    this.tlsFlags = List.copyOf(tlsFlags);
  }

  /**
   * This etcdctl over TLS, trusting {@code caCertificate} and presenting a client certificate (a
   * secure master's store port takes group system:masters only, the admin certificate say); give the
   * endpoints as https://.
   */
  public Etcdctl withTls(Path caCertificate, Path certificate, Path key) {
    return new Etcdctl(endpoints, commandTimeout, List.of("--cacert=" + caCertificate, "--cert=" + certificate,
        "--key=" + key));
  }

  public Result run(String... args) {
    return runWithInput(null, args);
  }

  /** Runs a command that reads {@code input} from stdin, such as {@code txn}. */
  public Result runWithInput(String input, String... args) {
    ProcessRun.Output output = ProcessRun.run(builder(args), input, PROCESS_TIMEOUT);
    return new Result(args, output.exitCode(), output.stdout(), output.stderr());
  }

  /** Starts a long-running command such as {@code watch} or {@code lease keep-alive}; close it to stop it. */
  public Background start(String... args) {
    try {
      Path err = Files.createTempFile("etcdctl-err", ".txt");
      Process process = builder(args).redirectError(err.toFile()).start();
      process.getOutputStream().close();
      return new Background(args, process, err);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private ProcessBuilder builder(String... args) {
    List<String> command = new ArrayList<>();
    command.add(System.getProperty("etcdctl.binary", "etcdctl"));
    command.add("--endpoints=" + String.join(",", endpoints));
    command.add("--dial-timeout=2s");
    command.add("--command-timeout=" + commandTimeout.toMillis() + "ms");
    command.addAll(tlsFlags);
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().put("ETCDCTL_API", "3");
    return builder;
  }

  /** What one etcdctl run printed, and how it exited. */
  public record Result(String[] args, int exitCode, String stdout, String stderr) {

    /** Stdout's lines, keeping empty ones (etcdctl prints an empty value as an empty line). */
    public List<String> lines() {
      return splitLines(stdout);
    }

    public Result assertSuccess() {
      if (exitCode != 0) {
        throw new AssertionError("expected success: " + this);
      }
      return this;
    }

    /** Asserts a non-zero exit whose stderr mentions {@code message}. */
    public Result assertFailure(String message) {
      if (exitCode == 0 || !stderr.contains(message)) {
        throw new AssertionError("expected failure mentioning '" + message + "': " + this);
      }
      return this;
    }

    @Override
    public String toString() {
      return "etcdctl " + String.join(" ", args) + " exited " + exitCode
          + "\n--- stdout ---\n" + stdout + "--- stderr ---\n" + stderr;
    }
  }

  static List<String> splitLines(String text) {
    if (text.isEmpty()) {
      return List.of();
    }
    String body = text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
    return List.of(body.split("\n", -1));
  }

  /** A running etcdctl whose stdout is read line by line as it is printed. */
  public static final class Background implements AutoCloseable {
    private final String[] args;
    private final Process process;
    private final Path stderrFile;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final Thread reader;

    private Background(String[] args, Process process, Path stderrFile) {
      this.args = args;
      this.process = process;
      this.stderrFile = stderrFile;
      this.reader = new Thread(this::readStdout, "etcdctl-stdout");
      reader.setDaemon(true);
      reader.start();
    }

    private void readStdout() {
      try (BufferedReader in = new BufferedReader(
          new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = in.readLine()) != null; ) {
          lines.add(line);
        }
      } catch (IOException e) {
        // the stream closes when the process is stopped; lines read so far stay queued
      }
    }

    /** The next stdout line, failing if none is printed within {@code timeout}. */
    public String nextLine(Duration timeout) {
      long deadline = System.nanoTime() + timeout.toNanos();
      try {
        while (System.nanoTime() < deadline) {
          String line = lines.poll(100, TimeUnit.MILLISECONDS);
          if (line != null) {
            return line;
          }
          if (!reader.isAlive() && lines.isEmpty()) {
            throw new AssertionError("etcdctl ended before printing another line: " + describe());
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      throw new AssertionError("no line from etcdctl within " + timeout + ": " + describe());
    }

    /** The next {@code count} stdout lines, each within {@code timeout} of the one before. */
    public List<String> nextLines(int count, Duration timeout) {
      List<String> taken = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        taken.add(nextLine(timeout));
      }
      return taken;
    }

    /** Consumes lines up to and including one equal to {@code line}; false if it is not printed in time. */
    public boolean skipPast(String line, Duration timeout) {
      long deadline = System.nanoTime() + timeout.toNanos();
      try {
        while (System.nanoTime() < deadline) {
          String next = lines.poll(50, TimeUnit.MILLISECONDS);
          if (line.equals(next)) {
            return true;
          }
        }
        return false;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }

    /** Waits for the command to end by itself, returning the lines not yet taken and stderr. */
    public Result awaitExit(Duration timeout) {
      try {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
          throw new AssertionError("etcdctl still running after " + timeout + ": " + describe());
        }
        reader.join(timeout.toMillis());
        List<String> rest = new ArrayList<>();
        lines.drainTo(rest);
        String stdout = rest.isEmpty() ? "" : String.join("\n", rest) + "\n";
        return new Result(args, process.exitValue(), stdout, stderr());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }

    private String describe() {
      return "etcdctl " + String.join(" ", args) + (process.isAlive() ? " (running)" : " (exited "
          + process.exitValue() + ")") + "\n--- stderr ---\n" + stderr();
    }

    private String stderr() {
      try {
        return Files.readString(stderrFile);
      } catch (IOException e) {
        return "(stderr unreadable: " + e + ")";
      }
    }

    /** Stops the command (SIGTERM, then SIGKILL if it lingers). */
    @Override
    public void close() {
      try {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor();
        }
        reader.join(TimeUnit.SECONDS.toMillis(10));
        Files.deleteIfExists(stderrFile);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }
}
