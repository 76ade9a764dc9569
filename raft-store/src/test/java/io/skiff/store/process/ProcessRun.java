package io.skiff.store.process;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Runs a command to its end, for tests that drive real tools (etcdctl, ip, nft). Its output goes to
 * files rather than pipes: nothing to drain concurrently, so no pipe-buffer deadlock.
 */
public final class ProcessRun {
  private ProcessRun() {
  }

  /** How one run exited and what it printed. */
  public record Output(int exitCode, String stdout, String stderr) {
  }

  /**
   * Starts {@code builder}, writes {@code input} (null: nothing) to its stdin and waits for it;
   * a command still running after {@code timeout} is killed and fails the test.
   */
  public static Output run(ProcessBuilder builder, String input, Duration timeout) {
    String command = String.join(" ", builder.command());
    try {
      Path out = Files.createTempFile("skiff-run-", ".out");
      Path err = Files.createTempFile("skiff-run-", ".err");
      try {
        Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try (OutputStream stdin = process.getOutputStream()) {
          if (input != null) {
            stdin.write(input.getBytes(StandardCharsets.UTF_8));
          }
        }
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
          process.destroyForcibly().waitFor();
          throw new AssertionError(command + " did not exit within " + timeout + "; stderr:\n" + Files.readString(err));
        }
        return new Output(process.exitValue(), Files.readString(out), Files.readString(err));
      } finally {
        Files.deleteIfExists(out);
        Files.deleteIfExists(err);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not run " + command, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + command, e);
    }
  }
}
