package io.skiff.cli.testing;

import io.skiff.cli.Cli;
import io.skiff.cli.SkiffMain;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

/**
 * Runs the real skiff command in this JVM, as a user would from a shell whose
 * environment names a config file (SKIFF_CONFIG) and a home directory, and
 * captures what it prints.
 */
public final class Skiff {
  private final Map<String, String> env = new HashMap<>();

  public Skiff(Path home, Path config) {
    env.put("HOME", home.toString());
    env.put("SKIFF_CONFIG", config.toString());
  }

  /** What one run printed, and its exit status. */
  public record Result(int code, String out, String err) {
    /** For assertion messages. */
    @Override
    public String toString() {
      return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
  }

  public Result run(String... args) {
    return runWithInput("", args);
  }

  public Result runWithInput(String stdin, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = SkiffMain.run(cli(stdin, out, err), args);
    return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /** Starts a run that goes on (get -w, rollout status) in a thread of its own. */
  public Background start(String... args) {
    return new Background(this, args);
  }

  Cli cli(String stdin, ByteArrayOutputStream out, ByteArrayOutputStream err) {
    return new Cli(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
        env, Clock.systemUTC());
  }

  /** A run in progress: its output so far, then its exit status once stopped (interrupted) or finished. */
  public static final class Background implements AutoCloseable {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final Thread thread;
    private volatile int code = -1;

    Background(Skiff skiff, String... args) {
      Cli cli = skiff.cli("", out, err);
      thread = new Thread(() -> code = SkiffMain.run(cli, args), "skiff " + String.join(" ", args));
      thread.setDaemon(true);
      thread.start();
    }

    public String out() {
      return out.toString(StandardCharsets.UTF_8);
    }

    public String err() {
      return err.toString(StandardCharsets.UTF_8);
    }

    public boolean finished() {
      return !thread.isAlive();
    }

    /** The exit status; -1 while running. */
    public int code() {
      return code;
    }

    /** Interrupts the run (as Ctrl-C would end it) and waits for it to return. */
    @Override
    public void close() throws InterruptedException {
      thread.interrupt();
      thread.join(10_000);
    }
  }
}
