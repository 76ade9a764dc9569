package io.skiff.cli.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/**
 * A {@code target/skiff server} process, launched as a user launches it, its output in a log file
 * of the test's directory; {@link #start} returns once it says it is ready. Not thread-safe.
 */
public final class ServerProcess implements AutoCloseable {
  private final Process process;
  private final Path log;

  private ServerProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  /** Starts {@code skiff server FLAGS} for node {@code node}, with its log in {@code dir/logName}. */
  public static ServerProcess start(Path dir, String logName, String node, String... flags) throws IOException {
    Path log = dir.resolve(logName);
    String[] args = new String[flags.length + 1];
    args[0] = "server";
    System.arraycopy(flags, 0, args, 1, flags.length);
    ProcessBuilder builder = new PackagedSkiff(dir).builder(args).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    builder.environment().put("SKIFF_JAVA_OPTS", "-Xmx512m");
    ServerProcess server = new ServerProcess(builder.start(), log);
    until(() -> {
      assertTrue(server.process.isAlive(), () -> "the server exited: " + server.log());
      return server.log().contains("skiff server: node " + node + " ready");
    }, "server " + node + " ready");
    return server;
  }

  public Process process() {
    return process;
  }

  public String log() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return e.toString();
    }
  }

  /** SIGTERM, as a user stops it; true once it has exited. */
  public boolean stop() throws InterruptedException {
    process.destroy();
    return process.waitFor(60, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws InterruptedException {
    process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
  }

  /** Polls {@code condition} twice a second for two minutes at most: each poll may start a command. */
  public static void until(Callable<Boolean> condition, String what) {
    Awaitility.await(what).atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500)).until(condition);
  }

  public static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
