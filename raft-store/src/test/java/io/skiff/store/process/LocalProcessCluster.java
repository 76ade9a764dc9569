package io.skiff.store.process;

import static org.awaitility.Awaitility.await;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.awaitility.core.ConditionTimeoutException;

/**
 * The process plumbing shared by the store and etcd clusters: free loopback ports, one data dir and log
 * file per member, launching, readiness and leader polls, kill/stop/restart and cleanup. Subclasses only
 * say how to launch one member.
 */
abstract class LocalProcessCluster implements StoreCluster {

  static final String HOST = "127.0.0.1";
  private static final int MEMBERS = 3;
  /** Generous: three JVMs or etcds start and elect a leader on two shared cores. */
  private static final Duration READY_TIMEOUT = Duration.ofMinutes(2);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
  private static final int LOG_TAIL_LINES = 60;

  /** One member's fixed identity; only {@code process} changes across restarts. */
  static final class Member {
    final String name;
    final int peerPort;
    final int clientPort;
    final Path dataDir;
    Process process;

    Member(String name, int peerPort, int clientPort, Path dataDir) {
      this.name = name;
      this.peerPort = peerPort;
      this.clientPort = clientPort;
      this.dataDir = dataDir;
    }

    String clientEndpoint() {
      return HOST + ":" + clientPort;
    }
  }

  private final Path root;
  private final List<Member> members = new ArrayList<>();
  private final Thread killOnExit = new Thread(this::destroyAll, "kill-store-processes");

  LocalProcessCluster(String tempDirPrefix) {
    try {
      root = Files.createTempDirectory(tempDirPrefix);
      int[] ports = freePorts(2 * MEMBERS);
      for (int i = 0; i < MEMBERS; i++) {
        String name = "n" + (i + 1);
        Path dataDir = Files.createDirectory(root.resolve(name));
        members.add(new Member(name, ports[2 * i], ports[2 * i + 1], dataDir));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    // Orphaned members would hold ports and CPU after a crashed test JVM; a normal exit still cleans up.
    Runtime.getRuntime().addShutdownHook(killOnExit);
  }

  /** The command line that starts {@code member}, given every member's identity. */
  abstract List<String> command(Member member, List<Member> all);

  /** Ports picked by the OS, all held open together so none is handed out twice. */
  private static int[] freePorts(int count) throws IOException {
    List<ServerSocket> sockets = new ArrayList<>();
    try {
      for (int i = 0; i < count; i++) {
        sockets.add(new ServerSocket(0, 1, InetAddress.getByName(HOST)));
      }
      return sockets.stream().mapToInt(ServerSocket::getLocalPort).toArray();
    } finally {
      for (ServerSocket socket : sockets) {
        socket.close();
      }
    }
  }

  @Override
  public void start() {
    try {
      for (Member member : members) {
        launch(member);
      }
      for (Member member : members) {
        awaitHealthy(member);
      }
    } catch (RuntimeException e) {
      destroyAll();
      throw e;
    }
  }

  @Override
  public int size() {
    return members.size();
  }

  @Override
  public String memberName(int index) {
    return members.get(index).name;
  }

  @Override
  public List<String> clientEndpoints() {
    return members.stream().map(Member::clientEndpoint).toList();
  }

  @Override
  public boolean isRunning(int index) {
    Process process = members.get(index).process;
    return process != null && process.isAlive();
  }

  @Override
  public void kill(int index) {
    Process process = members.get(index).process;
    if (process != null) {
      process.destroyForcibly();
      waitForExit(process, STOP_TIMEOUT);
    }
  }

  @Override
  public void stop(int index) {
    Process process = members.get(index).process;
    if (process != null) {
      process.destroy();
      if (!waitForExit(process, STOP_TIMEOUT)) {
        process.destroyForcibly();
        waitForExit(process, STOP_TIMEOUT);
      }
    }
  }

  @Override
  public void restart(int index) {
    if (isRunning(index)) {
      throw new IllegalStateException(memberName(index) + " is still running; stop or kill it first");
    }
    Member member = members.get(index);
    launch(member);
    awaitHealthy(member);
  }

  @Override
  public int leaderIndex() {
    try {
      return await("a leader agreed on by the running members")
          .atMost(READY_TIMEOUT)
          .pollInterval(Duration.ofMillis(250))
          .until(this::agreedLeader, OptionalInt::isPresent)
          .getAsInt();
    } catch (ConditionTimeoutException e) {
      throw new IllegalStateException(e.getMessage() + "\n" + allLogTails(), e);
    }
  }

  /**
   * Asks each running member for its own id and the leader it knows ({@code endpoint status -w json}), and
   * returns the leader's index once all answers name the same leader and it is one of the answering members.
   */
  private OptionalInt agreedLeader() {
    Map<BigInteger, Integer> indexById = new HashMap<>();
    Set<BigInteger> leaders = new HashSet<>();
    for (int i = 0; i < members.size(); i++) {
      if (!isRunning(i)) {
        continue;
      }
      Etcdctl.Result status = new Etcdctl(List.of(clientEndpoint(i)), Duration.ofSeconds(2))
          .run("endpoint", "status", "-w", "json");
      if (status.exitCode() != 0) {
        continue;
      }
      JsonArray statuses = JsonParser.parseString(status.stdout()).getAsJsonArray();
      JsonObject body = statuses.get(0).getAsJsonObject().getAsJsonObject("Status");
      indexById.put(body.getAsJsonObject("header").get("member_id").getAsBigInteger(), i);
      leaders.add(body.has("leader") ? body.get("leader").getAsBigInteger() : BigInteger.ZERO);
    }
    if (leaders.size() != 1 || !indexById.containsKey(leaders.iterator().next())) {
      return OptionalInt.empty();
    }
    return OptionalInt.of(indexById.get(leaders.iterator().next()));
  }

  @Override
  public Path dataDir(int index) {
    return members.get(index).dataDir;
  }

  @Override
  public Path logFile(int index) {
    return members.get(index).dataDir.resolve("process.log");
  }

  @Override
  public void close() {
    destroyAll();
    try {
      Runtime.getRuntime().removeShutdownHook(killOnExit);
    } catch (IllegalStateException alreadyShuttingDown) {
      // the hook is running or has run; nothing left to undo
    }
    deleteRecursively(root);
  }

  private void launch(Member member) {
    Path log = logFile(members.indexOf(member));
    List<String> command = command(member, members);
    try {
      // A marker per launch, so a restarted member's log shows where each run begins.
      Files.writeString(log, "=== " + Instant.now() + " starting " + member.name + ": "
              + abbreviate(command) + "\n", StandardCharsets.UTF_8,
          StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      member.process = new ProcessBuilder(command)
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
          .start();
      member.process.getOutputStream().close();
    } catch (IOException e) {
      throw new IllegalStateException("could not launch " + member.name + ": " + command.get(0), e);
    }
  }

  /** Polls {@code etcdctl endpoint health} on the member's own endpoint until it passes or the process dies. */
  private void awaitHealthy(Member member) {
    Etcdctl etcdctl = new Etcdctl(List.of(member.clientEndpoint()), Duration.ofSeconds(2));
    try {
      await(member.name + " healthy")
          .atMost(READY_TIMEOUT)
          .pollInterval(Duration.ofMillis(250))
          .until(() -> !member.process.isAlive()
              || etcdctl.run("endpoint", "health").exitCode() == 0);
    } catch (ConditionTimeoutException e) {
      throw new IllegalStateException(member.name + " was not healthy within " + READY_TIMEOUT
          + "\n" + logTail(member), e);
    }
    if (!member.process.isAlive()) {
      throw new IllegalStateException(member.name + " exited with code " + member.process.exitValue()
          + " while starting\n" + logTail(member));
    }
  }

  private String allLogTails() {
    return members.stream().map(this::logTail).collect(Collectors.joining("\n"));
  }

  private String logTail(Member member) {
    Path log = logFile(members.indexOf(member));
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return "--- last lines of " + log + " ---\n"
          + String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
    } catch (IOException e) {
      return "--- " + log + " unreadable: " + e + " ---";
    }
  }

  /** Keeps the launch marker short: the classpath alone can be thousands of characters. */
  private static String abbreviate(List<String> command) {
    return command.stream()
        .map(arg -> arg.length() > 200 ? arg.substring(0, 60) + "...(" + arg.length() + " chars)" : arg)
        .collect(Collectors.joining(" "));
  }

  private void destroyAll() {
    for (Member member : members) {
      if (member.process != null) {
        member.process.destroyForcibly();
      }
    }
    for (Member member : members) {
      if (member.process != null) {
        waitForExit(member.process, STOP_TIMEOUT);
      }
    }
  }

  private static boolean waitForExit(Process process, Duration timeout) {
    try {
      return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
