package io.skiff.cli;

import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

/**
 * What one run of the command sees of the world: its standard streams, its
 * environment and a clock. {@code main} passes the process's own; tests pass
 * buffers, so they can run the command in-process. Output written through
 * {@link #out()} and {@link #rawOut()} stays in order. Not thread-safe except
 * that {@link #out()} and {@link #err()} may be shared by a watch's threads
 * when callers synchronize on them.
 */
public final class Cli {
  private final InputStream in;
  private final PrintStream rawOut;
  private final PrintWriter out;
  private final PrintWriter err;
  private final Map<String, String> env;
  private final Clock clock;

  public Cli(InputStream in, PrintStream out, PrintStream err, Map<String, String> env, Clock clock) {
    this.in = in;
    this.rawOut = out;
    this.out = new PrintWriter(new java.io.OutputStreamWriter(out, StandardCharsets.UTF_8), true);
    this.err = new PrintWriter(new java.io.OutputStreamWriter(err, StandardCharsets.UTF_8), true);
    this.env = Map.copyOf(env);
    this.clock = clock;
  }

  /** The process's own streams, environment and the system clock. */
  public static Cli system() {
    return new Cli(System.in, System.out, System.err, System.getenv(), Clock.systemUTC());
  }

  public InputStream in() {
    return in;
  }

  public PrintWriter out() {
    return out;
  }

  public PrintWriter err() {
    return err;
  }

  /** Standard output for bytes written as they are (container logs); the text writer is flushed first. */
  public OutputStream rawOut() {
    out.flush();
    return rawOut;
  }

  public String env(String name) {
    return env.get(name);
  }

  public Clock clock() {
    return clock;
  }

  /** The user's home directory: $HOME, else the JVM's idea of it. */
  public Path home() {
    String home = env.get("HOME");
    return Path.of(home != null && !home.isEmpty() ? home : System.getProperty("user.home"));
  }
}
