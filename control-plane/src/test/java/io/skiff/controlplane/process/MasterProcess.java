package io.skiff.controlplane.process;

import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.skiff.client.Credentials;
import io.skiff.client.Endpoints;
import io.skiff.client.MasterChannels;
import io.skiff.pki.PkiDirectory;
import io.skiff.pki.TlsFiles;
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
 * which the master only serves after its watch caches are loaded.
 *
 * <p>Masters are secure, as users run them: the masters of one cluster share one temporary PKI
 * directory ({@code --pki-dir}), where the first of them creates the cluster CA and each its own and
 * the admin certificate; tests call them with {@link #adminFiles()} ({@link #channel()},
 * {@link #channelToAll}). {@link Security#INSECURE} starts plaintext masters ({@code --insecure}),
 * only for tests about something other than security that need plaintext.
 *
 * <p>{@link #close} kills the process (SIGKILL) and deletes its data (and the shared PKI directory
 * with the cluster's last master); {@link #kill} is a crash that keeps the data, and {@link #restart}
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
  /** Shared by the masters of one cluster; null for insecure masters. */
  private final ClusterPki pki;
  /** The command line it was launched with: {@link #restart} runs it again. */
  private final List<String> command;
  private Process process;
  private Thread killOnExit;

  private MasterProcess(String id, String host, int apiPort, int storePort, Path dataRoot, Path log,
      ClusterPki pki, List<String> command, Process process) {
    this.id = id;
    this.host = host;
    this.apiPort = apiPort;
    this.storePort = storePort;
    this.dataRoot = dataRoot;
    this.log = log;
    this.pki = pki;
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
    return startCluster(label, size, jvmOptions, flags, Security.TLS);
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
    return startCluster(label, placements, jvmOptions, flags, Security.TLS);
  }

  /** Whether masters are started as users run them (TLS, authenticated) or with {@code --insecure}. */
  public enum Security {
    TLS,
    /**
     * Plaintext, every caller cluster-admin: only for a test about something else that needs plaintext
     * (a tool that cannot speak TLS, say). None needs it today: etcdctl, buf curl, the agents and the
     * client library all take the cluster's certificates.
     */
    INSECURE
  }

  /** {@code size} masters on loopback ports, secured as {@code security} says, each healthy on return. */
  public static List<MasterProcess> startCluster(String label, int size, List<String> jvmOptions, List<String> flags,
      Security security) {
    int[] ports = freePorts(3 * size);
    List<Placement> placements = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      placements.add(new Placement(List.of(), HOST, ports[3 * i], ports[3 * i + 1], ports[3 * i + 2]));
    }
    return startCluster(label, placements, jvmOptions, flags, security);
  }

  /** As {@link #startCluster(String, List, List, List)}, secured as {@code security} says. */
  public static List<MasterProcess> startCluster(String label, List<Placement> placements, List<String> jvmOptions,
      List<String> flags, Security security) {
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
    ClusterPki pki = null;
    try {
      Files.createDirectories(logDir);
      pki = security == Security.TLS ? ClusterPki.create() : null;
      for (int i = 0; i < size; i++) {
        String id = "m" + (i + 1);
        Placement at = placements.get(i);
        Path dataRoot = Files.createTempDirectory("skiff-master-" + id + "-");
        List<String> command = new ArrayList<>(at.launcher());
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", classpath.value(), MAIN_CLASS,
            "--id", id, "--peers", peers.toString(), "--data-dir", dataRoot.resolve("data").toString(),
            "--api-address", at.host() + ":" + at.apiPort()));
        command.addAll(securityFlags(pki));
        command.addAll(flags);
        Path log = logDir.resolve(id + ".log");
        Files.writeString(log, "=== " + String.join(" ", command) + "\n", StandardCharsets.UTF_8);
        masters.add(new MasterProcess(id, at.host(), at.apiPort(), at.storePort(), dataRoot, log, pki, command,
            launch(command, log)));
        if (pki != null) {
          pki.retain();
        }
      }
      for (MasterProcess master : masters) {
        master.awaitServing();
      }
      return masters;
    } catch (IOException | RuntimeException e) {
      masters.forEach(MasterProcess::close);
      if (masters.isEmpty() && pki != null) {
        pki.delete();
      }
      if (e instanceof IOException io) {
        throw new UncheckedIOException("could not launch a master", io);
      }
      throw (RuntimeException) e;
    }
  }

  /**
   * A new master {@code id} started with {@code --join} (its own store peer only, no data) and, as
   * masters on one machine do, the PKI directory of {@code cluster}, a running master it joins: it waits
   * to be added and serves once added, so this returns without waiting; call {@link #awaitServing()}
   * after the add.
   */
  public static Joining startJoining(String label, String id, List<String> flags, MasterProcess cluster) {
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
          "--data-dir", dataRoot.resolve("data").toString(), "--api-address", HOST + ":" + ports[2]));
      command.addAll(securityFlags(cluster.pki));
      command.addAll(flags);
      Path log = logDir.resolve(id + ".log");
      Files.writeString(log, "=== " + String.join(" ", command) + "\n", StandardCharsets.UTF_8);
      MasterProcess joiner = new MasterProcess(id, HOST, ports[2], ports[1], dataRoot, log, cluster.pki, command,
          launch(command, log));
      if (cluster.pki != null) {
        cluster.pki.retain();
      }
      return new Joining(joiner, HOST + ":" + ports[0]);
    } catch (IOException e) {
      throw new UncheckedIOException("could not launch master " + id, e);
    }
  }

  /** A master started with --join, and the raft address to add it with. */
  public record Joining(MasterProcess master, String raftAddress) {
  }

  private static List<String> securityFlags(ClusterPki pki) {
    return pki == null ? List.of("--insecure") : List.of("--pki-dir", pki.directory().dir().toString());
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

  public boolean isSecure() {
    return pki != null;
  }

  /** The cluster's PKI directory (shared by its masters): its CA can issue more certificates, a node's say. */
  public PkiDirectory pki() {
    return requirePki().directory();
  }

  /** The administrator's certificate and key (CN admin, O system:masters), trusting the cluster CA. */
  public TlsFiles adminFiles() {
    return pki().files("admin");
  }

  /** The administrator's credentials over TLS, or plaintext for an insecure master. */
  public Credentials adminCredentials() {
    return pki == null ? Credentials.insecure() : Credentials.tls(adminFiles());
  }

  /** A new channel to this master alone as the administrator; the caller shuts it down. */
  public ManagedChannel channel() {
    return channel(adminCredentials());
  }

  /** A new channel to this master alone with {@code credentials} (a user's token, a node's certificate). */
  public ManagedChannel channel(Credentials credentials) {
    return MasterChannels.open(Endpoints.parse(apiTarget()), credentials);
  }

  /**
   * A new channel over all of {@code masters} as the administrator, as the client library opens it
   * (fails over, retries UNAVAILABLE); the caller shuts it down.
   */
  public static ManagedChannel channelToAll(List<MasterProcess> masters) {
    return MasterChannels.open(Endpoints.parse(targets(masters)), masters.get(0).adminCredentials());
  }

  /** Every API endpoint of {@code masters}, "host:port,...", as a client's configuration lists them. */
  public static String targets(List<MasterProcess> masters) {
    return String.join(",", masters.stream().map(MasterProcess::apiTarget).toList());
  }

  private ClusterPki requirePki() {
    if (pki == null) {
      throw new IllegalStateException("master " + id + " was started --insecure: it has no PKI directory");
    }
    return pki;
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
    ManagedChannel channel;
    try {
      channel = healthChannel();
    } catch (ConditionTimeoutException e) {
      throw new IllegalStateException("master " + id + " created no cluster CA in " + pki().dir() + " within "
          + READY_TIMEOUT + "\n" + logTail(), e);
    }
    if (channel == null) {
      throw new IllegalStateException("master " + id + " exited with code " + process.exitValue()
          + " while starting\n" + logTail());
    }
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

  /**
   * Health answers anyone, but over TLS only: trusting the cluster CA, which exists once the first
   * master has created it. Null when the process exits first.
   */
  private ManagedChannel healthChannel() {
    if (pki == null) {
      return NettyChannelBuilder.forAddress(host, apiPort).usePlaintext().build();
    }
    PkiDirectory dir = pki.directory();
    await("the cluster CA in " + dir.dir()).atMost(READY_TIMEOUT).pollInterval(Duration.ofMillis(100))
        .until(() -> !process.isAlive() || readable(dir.caCertificate()), done -> done);
    if (!process.isAlive()) {
      return null;
    }
    // a CA file seen half-written fails to load: try again a moment later
    return await("a TLS context trusting " + dir.caCertificate()).atMost(Duration.ofSeconds(10))
        .ignoreExceptions().until(() -> NettyChannelBuilder.forAddress(host, apiPort)
            .sslContext(dir.trustOnly().forClient()).build(), c -> c != null);
  }

  private static boolean readable(Path file) {
    try {
      return Files.size(file) > 0;
    } catch (IOException notYet) {
      return false;
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
    boolean wasOpen = Files.exists(dataRoot);
    kill();
    deleteRecursively(dataRoot);
    if (wasOpen && pki != null) {
      pki.release();
    }
  }

  /**
   * The temporary PKI directory the masters of one cluster share, deleted when the last of them is
   * closed (a master that is only killed keeps it, for its restart).
   */
  private static final class ClusterPki {
    private final PkiDirectory directory;
    private int openMasters;

    private ClusterPki(PkiDirectory directory) {
      this.directory = directory;
    }

    static ClusterPki create() throws IOException {
      return new ClusterPki(new PkiDirectory(Files.createTempDirectory("skiff-pki-")));
    }

    PkiDirectory directory() {
      return directory;
    }

    void retain() {
      openMasters++;
    }

    void release() {
      if (--openMasters == 0) {
        delete();
      }
    }

    void delete() {
      deleteRecursively(directory.dir());
    }
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
