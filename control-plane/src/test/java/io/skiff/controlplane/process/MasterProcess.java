package io.skiff.controlplane.process;

import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.awaitility.core.ConditionTimeoutException;

/**
 * A master as a real process, launched the way a user launches it: {@code java -cp
 * target/skiff-control-plane.jar:target/lib/* io.skiff.controlplane.master.MasterMain}, from this
 * module's packaged build. Tests that use it are tagged {@code process}, which runs them after
 * {@code package} (the {@code process-tests} execution in control-plane's pom). Each master gets free
 * loopback ports, a temporary data directory (deleted on close) and a log file under
 * {@code target/process-logs/<label>/} (kept, and its tail is put in every start-up failure).
 * {@link #start} returns once {@code grpc.health.v1.Health/Check} on the API port answers SERVING,
 * which the master only serves after its watch caches are loaded. {@link #close} kills the process
 * (SIGKILL) and deletes its data; {@link #kill} is a crash that keeps the data, and {@link #restart}
 * starts the same master again (same command line, ports and data directory). Not thread-safe; one
 * test class owns its masters.
 */
public final class MasterProcess implements AutoCloseable {

  static final String HOST = "127.0.0.1";
  static final String MAIN_CLASS = "io.skiff.controlplane.master.MasterMain";
  /** Generous: JVMs start and elect a Raft leader on two cores shared with the build and the tests. */
  private static final Duration READY_TIMEOUT = Duration.ofMinutes(2);
  private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(30);
  private static final int LOG_TAIL_LINES = 60;
  /** Small heap and serial GC: test masters share two cores with the test JVM. */
  public static final List<String> TEST_JVM_OPTIONS = List.of("-Xmx512m", "-XX:+UseSerialGC");

  private final String id;
  private final String host;
  private final int apiPort;
  private final int storePort;
  private final Path dataRoot;
  private final Path log;
  /** The command line it was launched with: {@link #restart} runs it again. */
  private final List<String> command;
  private Process process;
  private Thread killOnExit;

  private MasterProcess(String id, String host, int apiPort, int storePort, Path dataRoot, Path log,
      List<String> command, Process process) {
    this.id = id;
    this.host = host;
    this.apiPort = apiPort;
    this.storePort = storePort;
    this.dataRoot = dataRoot;
    this.log = log;
    this.command = List.copyOf(command);
    watch(process);
  }

  private void watch(Process launched) {
    this.process = launched;
    // an orphaned master would hold its ports and a core after a crashed test JVM
    this.killOnExit = new Thread(launched::destroyForcibly, "kill-master-" + id);
    Runtime.getRuntime().addShutdownHook(killOnExit);
  }

  /**
   * One master that is a whole cluster by itself, serving the API only (no scheduler or controllers
   * write to what the test creates); {@code label} names its log directory.
   */
  public static MasterProcess start(String label) {
    return startCluster(label, 1, TEST_JVM_OPTIONS, List.of("--controllers", "false")).get(0);
  }

  /** {@code size} masters that are each other's store peers, each healthy on return. */
  public static List<MasterProcess> startCluster(String label, int size, List<String> jvmOptions) {
    return startCluster(label, size, jvmOptions, List.of());
  }

  /** As {@link #startCluster(String, int, List)}, each master also given {@code flags}. */
  public static List<MasterProcess> startCluster(String label, int size, List<String> jvmOptions,
      List<String> flags) {
    int[] ports = freePorts(3 * size);
    List<Placement> placements = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      placements.add(new Placement(List.of(), HOST, ports[3 * i], ports[3 * i + 1], ports[3 * i + 2]));
    }
    return startCluster(label, placements, jvmOptions, flags);
  }

  /**
   * Where one master listens (its Raft, store client and API ports, all on {@code host}) and what its
   * command is run through: {@code launcher} prefixes the java command line, e.g. {@code ip netns exec NS}
   * (which execs java in place, so the process is the master itself); empty to run it directly.
   */
  public record Placement(List<String> launcher, String host, int raftPort, int storePort, int apiPort) {
  }

  /** One master per placement ({@code m1}, {@code m2}, ...), each other's store peers, each healthy on return. */
  public static List<MasterProcess> startCluster(String label, List<Placement> placements, List<String> jvmOptions,
      List<String> flags) {
    Classpath classpath = Classpath.packaged();
    Path logDir = classpath.target().resolve("process-logs").resolve(label);
    int size = placements.size();
    StringBuilder peers = new StringBuilder();
    for (int i = 0; i < size; i++) {
      Placement at = placements.get(i);
      peers.append(i == 0 ? "" : ",").append("m").append(i + 1).append('=')
          .append(at.host()).append(':').append(at.raftPort()).append('/').append(at.host()).append(':').append(at.storePort());
    }
    List<MasterProcess> masters = new ArrayList<>();
    try {
      Files.createDirectories(logDir);
      for (int i = 0; i < size; i++) {
        String id = "m" + (i + 1);
        Placement at = placements.get(i);
        Path dataRoot = Files.createTempDirectory("skiff-master-" + id + "-");
        List<String> command = new ArrayList<>(at.launcher());
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", classpath.value(), MAIN_CLASS,
            "--id", id, "--peers", peers.toString(), "--data-dir", dataRoot.resolve("data").toString(),
            "--api-address", at.host() + ":" + at.apiPort(), "--insecure"));
        command.addAll(flags);
        Path log = logDir.resolve(id + ".log");
        Files.writeString(log, "=== " + String.join(" ", command) + "\n", StandardCharsets.UTF_8);
        masters.add(new MasterProcess(id, at.host(), at.apiPort(), at.storePort(), dataRoot, log, command,
            launch(command, log)));
      }
      for (MasterProcess master : masters) {
        master.awaitServing();
      }
      return masters;
    } catch (IOException | RuntimeException e) {
      masters.forEach(MasterProcess::close);
      if (e instanceof IOException io) {
        throw new UncheckedIOException("could not launch a master", io);
      }
      throw (RuntimeException) e;
    }
  }

  /**
   * A new master {@code id} started with {@code --join} (its own store peer only, no data): it waits
   * to be added to a running cluster and serves once added, so this returns without waiting; call
   * {@link #awaitServing()} after the add.
   */
  public static Joining startJoining(String label, String id, List<String> flags) {
    Classpath classpath = Classpath.packaged();
    Path logDir = classpath.target().resolve("process-logs").resolve(label);
    int[] ports = freePorts(3);
    try {
      Files.createDirectories(logDir);
      Path dataRoot = Files.createTempDirectory("skiff-master-" + id + "-");
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.addAll(TEST_JVM_OPTIONS);
      command.addAll(List.of("-cp", classpath.value(), MAIN_CLASS, "--id", id,
          "--peers", id + "=" + HOST + ":" + ports[0] + "/" + HOST + ":" + ports[1], "--join",
          "--data-dir", dataRoot.resolve("data").toString(), "--api-address", HOST + ":" + ports[2], "--insecure"));
      command.addAll(flags);
      Path log = logDir.resolve(id + ".log");
      Files.writeString(log, "=== " + String.join(" ", command) + "\n", StandardCharsets.UTF_8);
      return new Joining(new MasterProcess(id, HOST, ports[2], ports[1], dataRoot, log, command, launch(command, log)),
          HOST + ":" + ports[0]);
    } catch (IOException e) {
      throw new UncheckedIOException("could not launch master " + id, e);
    }
  }

  /** A master started with --join, and the raft address to add it with. */
  public record Joining(MasterProcess master, String raftAddress) {
  }

  private static Process launch(List<String> command, Path log) throws IOException {
    Process process = new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .start();
    process.getOutputStream().close();
    return process;
  }

  public String id() {
    return id;
  }

  public int apiPort() {
    return apiPort;
  }

  /** host:port of the API (a gRPC target). */
  public String apiTarget() {
    return host + ":" + apiPort;
  }

  /** host:port of this master's store client endpoint (etcd v3 API). */
  public String storeEndpoint() {
    return host + ":" + storePort;
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public Path log() {
    return log;
  }

  /** The last lines of the log, headed by its path: for failure messages. */
  public String logTail() {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return "--- last lines of " + log.toAbsolutePath() + " ---\n"
          + String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
    } catch (IOException e) {
      return "--- " + log + " unreadable: " + e + " ---";
    }
  }

  /** Waits until the API answers health checks as SERVING; fails with the log's tail if it exits first. */
  public void awaitServing() {
    ManagedChannel channel = NettyChannelBuilder.forAddress(host, apiPort).usePlaintext().build();
    try {
      HealthGrpc.HealthBlockingStub health = HealthGrpc.newBlockingStub(channel);
      await("master " + id + " serving on " + apiTarget())
          .atMost(READY_TIMEOUT)
          .pollInterval(Duration.ofMillis(250))
          .until(() -> !process.isAlive() || serving(health));
    } catch (ConditionTimeoutException e) {
      throw new IllegalStateException("master " + id + " was not serving within " + READY_TIMEOUT + "\n" + logTail(), e);
    } finally {
      channel.shutdownNow();
    }
    if (!process.isAlive()) {
      throw new IllegalStateException("master " + id + " exited with code " + process.exitValue()
          + " while starting\n" + logTail());
    }
  }

  private static boolean serving(HealthGrpc.HealthBlockingStub health) {
    try {
      return health.withDeadlineAfter(2, TimeUnit.SECONDS).check(HealthCheckRequest.getDefaultInstance())
          .getStatus() == HealthCheckResponse.ServingStatus.SERVING;
    } catch (RuntimeException notYet) {
      return false;
    }
  }

  /** SIGKILL, as a crash: returns once the process is gone; its data directory stays for {@link #restart}. */
  public void kill() {
    process.destroyForcibly();
    try {
      if (!process.waitFor(EXIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new IllegalStateException("master " + id + " (pid " + pid() + ") did not exit after SIGKILL");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(killOnExit);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running or has run
      }
    }
  }

  /**
   * Starts this master again after {@link #kill} (or its own exit), with the same command line: same
   * id, ports and data directory. Returns once it serves, as {@link #startCluster} does.
   */
  public void restart() {
    if (process.isAlive()) {
      throw new IllegalStateException("master " + id + " (pid " + pid() + ") is still running: kill it first");
    }
    restartAll(List.of(this));
  }

  /** Launches every master of {@code masters} that is not running, then waits until each serves. */
  public static void restartAll(List<MasterProcess> masters) {
    List<MasterProcess> down = masters.stream().filter(m -> !m.isAlive()).toList();
    try {
      for (MasterProcess master : down) {
        Files.writeString(master.log, "=== restart: " + String.join(" ", master.command) + "\n",
            StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        master.watch(launch(master.command, master.log));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not relaunch a master", e);
    }
    // a store of three needs two peers up before any of them serves: launch all, then wait
    down.forEach(MasterProcess::awaitServing);
  }

  @Override
  public void close() {
    kill();
    deleteRecursively(dataRoot);
  }

  /** Ports picked by the OS, all held open together so none is handed out twice. */
  private static int[] freePorts(int count) {
    List<ServerSocket> sockets = new ArrayList<>();
    try {
      for (int i = 0; i < count; i++) {
        sockets.add(new ServerSocket(0, 1, InetAddress.getByName(HOST)));
      }
      return sockets.stream().mapToInt(ServerSocket::getLocalPort).toArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      for (ServerSocket socket : sockets) {
        try {
          socket.close();
        } catch (IOException ignored) {
          // closing a listening socket we never used
        }
      }
    }
  }

  private static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;  // closed before
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not delete " + dir, e);
    }
  }

  /** The packaged master: the module's jar and its runtime dependencies in target/lib. */
  record Classpath(Path target, String value) {
    static Classpath packaged() {
      // surefire runs in the module directory and also passes it as `basedir`; other modules' tests
      // (the agent's) use control-plane's package beside them
      Path module = Path.of(System.getProperty("basedir", ".")).toAbsolutePath();
      Path target = Files.isRegularFile(module.resolve("target/skiff-control-plane.jar")) ? module.resolve("target")
          : module.resolveSibling("control-plane").resolve("target");
      Path jar = target.resolve("skiff-control-plane.jar");
      Path lib = target.resolve("lib");
      if (!Files.isRegularFile(jar) || !Files.isDirectory(lib)) {
        throw new IllegalStateException("no packaged master at " + jar + " and " + lib
            + ": process tests run after `package` (mvn -pl control-plane verify)");
      }
      // the launcher expands lib/*, as in the documented command line
      return new Classpath(target, jar + java.io.File.pathSeparator + lib.resolve("*"));
    }
  }
}
