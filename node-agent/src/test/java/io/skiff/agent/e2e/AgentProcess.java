package io.skiff.agent.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The node agent as a real process, launched the way a user launches it: {@code java -cp
 * target/skiff-node-agent.jar:target/lib/* io.skiff.agent.AgentMain}, from this module's packaged
 * build. Tests that use it are tagged {@code process}, which runs them after {@code package} (the
 * {@code process-tests} execution in node-agent's pom). Its output goes to
 * {@code target/process-logs/<label>/agent-<n>.log}. {@link #kill} is SIGKILL.
 */
public final class AgentProcess implements AutoCloseable {
  static final String MAIN_CLASS = "io.skiff.agent.AgentMain";
  /** Small heap and serial GC: the agent shares two cores with the test JVM. */
  public static final List<String> JVM_OPTIONS = List.of("-Xmx256m", "-XX:+UseSerialGC");
  private static final int LOG_TAIL_LINES = 60;

  private final Process process;
  private final Path log;
  private final Thread killOnExit;

  private AgentProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
    this.killOnExit = new Thread(process::destroyForcibly, "kill-agent-" + process.pid());
    Runtime.getRuntime().addShutdownHook(killOnExit);
  }

  /** Starts {@code AgentMain} with {@code args}; returns at once (the caller waits for what it needs). */
  public static AgentProcess start(String label, List<String> jvmOptions, List<String> args) {
    // surefire runs in the module directory (`basedir`); e2e's tests use node-agent's package beside them
    Path module = Path.of(System.getProperty("basedir", ".")).toAbsolutePath();
    Path target = Files.isRegularFile(module.resolve("target/skiff-node-agent.jar")) ? module.resolve("target")
        : module.resolveSibling("node-agent").resolve("target");
    Path jar = target.resolve("skiff-node-agent.jar");
    Path lib = target.resolve("lib");
    if (!Files.isRegularFile(jar) || !Files.isDirectory(lib)) {
      throw new IllegalStateException("no packaged agent at " + jar + " and " + lib
          + ": process tests run after `package` (mvn -pl node-agent verify)");
    }
    try {
      Path logDir = target.resolve("process-logs").resolve(label);
      Files.createDirectories(logDir);
      Path log;
      int n = 1;
      while (Files.exists(log = logDir.resolve("agent-" + n + ".log"))) {
        n++;
      }
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.addAll(jvmOptions);
      command.addAll(List.of("-cp", jar + java.io.File.pathSeparator + lib.resolve("*"), MAIN_CLASS));
      command.addAll(args);
      Files.writeString(log, "=== " + String.join(" ", redacted(command)) + "\n", StandardCharsets.UTF_8);
      Process process = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
      process.getOutputStream().close();
      return new AgentProcess(process, log);
    } catch (IOException e) {
      throw new UncheckedIOException("could not launch the agent", e);
    }
  }

  /** The command line as logged: a join token shown by its ID only, never its secret. */
  static List<String> redacted(List<String> command) {
    List<String> shown = new ArrayList<>(command);
    for (int i = 1; i < shown.size(); i++) {
      if (shown.get(i - 1).equals("--token")) {
        shown.set(i, shown.get(i).replaceAll("\\..*", ".<secret>"));
      }
    }
    return shown;
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** The last lines of the log, for failure messages. */
  public String logTail() {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return "--- last lines of " + log.toAbsolutePath() + " ---\n"
          + String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
    } catch (IOException e) {
      return "--- " + log + " unreadable: " + e + " ---";
    }
  }

  /** SIGKILL, as a crash: the agent's containers keep running. */
  public void kill() {
    process.destroyForcibly();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException("agent " + pid() + " did not exit after SIGKILL");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    kill();
    try {
      Runtime.getRuntime().removeShutdownHook(killOnExit);
    } catch (IllegalStateException shuttingDown) {
      // the hook is running or has run
    }
  }
}
