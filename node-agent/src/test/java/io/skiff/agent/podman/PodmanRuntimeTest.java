package io.skiff.agent.podman;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.skiff.agent.runtime.ContainerRuntime;
import io.skiff.agent.runtime.ContainerStatus;
import io.skiff.agent.runtime.ExecResult;
import io.skiff.agent.runtime.LogOptions;
import io.skiff.agent.runtime.LogSink;
import io.skiff.agent.runtime.RuntimeError;
import io.skiff.agent.runtime.RuntimeEvent;
import io.skiff.agent.runtime.SandboxConfig;
import io.skiff.agent.runtime.SandboxStatus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@link PodmanRuntime} against the real Podman service of scripts/podman-setup.sh. */
class PodmanRuntimeTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static PodmanFixture podman;
  private static ContainerRuntime runtime;

  @BeforeAll
  static void connect() {
    podman = PodmanFixture.open();
    runtime = podman.runtime;
  }

  @AfterEach
  void removeWhatTheTestMade() {
    podman.removeAll();
  }

  @AfterAll
  static void close() {
    if (podman != null) {
      podman.close();
    }
  }

  @Test
  void hostPortReachesHttpServerInSandbox() throws Exception {
    int port = PodmanFixture.freePort();
    String sandbox = podman.sandbox("web", new SandboxConfig.PortMapping(8080, port, "TCP", "127.0.0.1"));
    String id = podman.run(sandbox, "web", "httpd",
        "echo \"$GREETING from $(hostname)\" > /tmp/index.html && exec httpd -f -p 8080 -h /tmp");

    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    HttpRequest get = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/index.html"))
        .timeout(Duration.ofSeconds(2)).build();
    String body = await().atMost(WAIT).ignoreExceptions()
        .until(() -> http.send(get, HttpResponse.BodyHandlers.ofString()).body(), b -> !b.isEmpty());
    assertEquals("hello from web\n", body);

    ContainerStatus status = runtime.inspectContainer(id).orElseThrow();
    assertEquals(ContainerStatus.State.RUNNING, status.state());
    assertEquals(sandbox, status.sandboxId());
    assertEquals(PodmanFixture.IMAGE, status.image());
    assertFalse(status.imageId().isEmpty());
    assertNotNull(status.startedAt());
    assertEquals(null, status.finishedAt());
    assertEquals(podman.run, status.labels().get(PodmanFixture.RUN_LABEL));
    assertEquals("true", status.labels().get("io.skiff.managed"));

    SandboxStatus pod = runtime.listSandboxes().stream().filter(s -> s.id().equals(sandbox)).findFirst().orElseThrow();
    assertTrue(pod.running());
    assertEquals(podman.name("web"), pod.name());
    assertTrue(pod.ip().matches("\\d+\\.\\d+\\.\\d+\\.\\d+"), pod.ip());
    assertTrue(runtime.listContainers().stream().anyMatch(c -> c.id().equals(id)));
  }

  @Test
  void logsSeparateStreamsTailTimestampsAndSince() {
    String sandbox = podman.sandbox("logs");
    String id = podman.run(sandbox, "logs", "main",
        "for i in 1 2 3; do echo out$i; echo err$i >&2; done; sleep 0.2; echo last");
    ContainerStatus done = awaitExited(id);

    Map<LogSink.Stream, String> all = logs(id, new LogOptions(false, -1, false, null));
    assertEquals("out1\nout2\nout3\nlast\n", all.get(LogSink.Stream.STDOUT));
    assertEquals("err1\nerr2\nerr3\n", all.get(LogSink.Stream.STDERR));

    Map<LogSink.Stream, String> tail = logs(id, new LogOptions(false, 1, false, null));
    assertEquals("last\n", tail.get(LogSink.Stream.STDOUT));
    assertEquals("", tail.get(LogSink.Stream.STDERR));

    String stamped = logs(id, new LogOptions(false, 2, true, null)).get(LogSink.Stream.STDOUT);
    assertTrue(stamped.matches("(?s)\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?(Z|[+-]\\d\\d:\\d\\d) last\\n"),
        stamped);

    Map<LogSink.Stream, String> later = logs(id, new LogOptions(false, -1, false, done.finishedAt().plusSeconds(2)));
    assertEquals("", later.get(LogSink.Stream.STDOUT) + later.get(LogSink.Stream.STDERR));
    Map<LogSink.Stream, String> earlier = logs(id, new LogOptions(false, -1, false, done.startedAt().minusSeconds(2)));
    assertEquals(all, earlier);
  }

  @Test
  void followingLogsEndsWhenTheContainerExitsOrTheSinkStops() {
    String sandbox = podman.sandbox("follow");
    String id = podman.run(sandbox, "follow", "main", "echo first; sleep 1; echo second >&2; sleep 0.5; echo third");
    Map<LogSink.Stream, String> followed = assertTimeoutPreemptively(WAIT,
        () -> logs(id, new LogOptions(true, -1, false, null)));
    assertEquals("first\nthird\n", followed.get(LogSink.Stream.STDOUT));
    assertEquals("second\n", followed.get(LogSink.Stream.STDERR));
    assertEquals(ContainerStatus.State.EXITED, runtime.inspectContainer(id).orElseThrow().state());

    String ticker = podman.run(sandbox, "follow", "ticker", "while :; do echo tick; sleep 0.2; done");
    ByteArrayOutputStream seen = new ByteArrayOutputStream();
    assertTimeoutPreemptively(WAIT, () -> runtime.logs(ticker, new LogOptions(true, -1, false, null), (s, data) -> {
      seen.writeBytes(data);
      return seen.size() < "tick\ntick\n".length();
    }));
    assertTrue(seen.toString(StandardCharsets.UTF_8).startsWith("tick\ntick\n"));
  }

  @Test
  void execReturnsExitCodeAndOutputAndTimesOut() {
    String sandbox = podman.sandbox("exec");
    String id = podman.run(sandbox, "exec", "main", "exec sleep 1000");
    awaitRunning(id);

    ExecResult result = runtime.exec(id, List.of("sh", "-c", "echo to-out; echo to-err >&2; exit 7"),
        Duration.ofSeconds(10));
    assertEquals(7, result.exitCode());
    assertTrue(result.output().contains("to-out\n") && result.output().contains("to-err\n"), result.output());
    assertEquals(0, runtime.exec(id, List.of("test", "-d", "/tmp"), Duration.ofSeconds(10)).exitCode());

    long start = System.nanoTime();
    RuntimeError slow = assertThrows(RuntimeError.class,
        () -> runtime.exec(id, List.of("sleep", "30"), Duration.ofMillis(500)));
    assertEquals(RuntimeError.Kind.UNAVAILABLE, slow.kind());
    assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5), "the timeout cut the exec short");
    // the client is still good after a cancelled request
    assertEquals(0, runtime.exec(id, List.of("true"), Duration.ofSeconds(10)).exitCode());
  }

  @Test
  void exitCodeOfAFinishedContainer() {
    String sandbox = podman.sandbox("exit");
    String id = podman.run(sandbox, "exit", "main", "exit 3");
    ContainerStatus status = awaitExited(id);
    assertEquals(3, status.exitCode());
    assertFalse(status.oomKilled());
    assertNotNull(status.startedAt());
    assertNotNull(status.finishedAt());
    assertFalse(status.finishedAt().isBefore(status.startedAt()));

    RuntimeError notRunning = assertThrows(RuntimeError.class,
        () -> runtime.exec(id, List.of("true"), Duration.ofSeconds(5)));
    assertEquals(RuntimeError.Kind.CONFLICT, notRunning.kind(), notRunning.getMessage());
  }

  @Test
  void memoryLimitOomKillIsReportedInStatusAndEvents() {
    BlockingQueue<RuntimeEvent> events = new LinkedBlockingQueue<>();
    ContainerRuntime.Subscription subscription = runtime.subscribe(events::add);
    try {
      String sandbox = podman.sandbox("oom");
      String id = runtime.createContainer(sandbox, podman.container("oom", "hog", 16 << 20,
          List.of("sh", "-c", "x=.; while :; do x=$x$x$x$x$x$x$x$x$x$x.; done")));
      runtime.startContainer(id);
      ContainerStatus status = awaitExited(id);
      assertEquals(137, status.exitCode());
      await().atMost(WAIT).until(() -> runtime.inspectContainer(id).orElseThrow().oomKilled());
      await().atMost(WAIT).until(() -> events.stream()
          .anyMatch(e -> e.type() == RuntimeEvent.Type.OOM && e.containerId().equals(id)));
    } finally {
      subscription.close();
    }
  }

  @Test
  void stopSendsTermThenKillsAfterTheGracePeriod() {
    String sandbox = podman.sandbox("stop");
    // busybox sleep as PID 1 has no handler for SIGTERM, so the kernel ignores it
    String stubborn = podman.run(sandbox, "stop", "stubborn", "exec sleep 1000");
    String polite = podman.run(sandbox, "stop", "polite", "trap 'exit 0' TERM; while :; do sleep 0.1; done");
    awaitRunning(stubborn);
    awaitRunning(polite);

    long start = System.nanoTime();
    runtime.stopContainer(stubborn, Duration.ofSeconds(2));
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    System.out.println("stop with a 2 s grace period of a process ignoring SIGTERM took " + took.toMillis() + " ms");
    assertTrue(took.compareTo(Duration.ofSeconds(2)) >= 0, "killed before the grace period: " + took);
    assertTrue(took.compareTo(Duration.ofSeconds(6)) < 0, "not killed soon after the grace period: " + took);
    ContainerStatus killed = runtime.inspectContainer(stubborn).orElseThrow();
    assertEquals(ContainerStatus.State.EXITED, killed.state());
    assertEquals(137, killed.exitCode());

    start = System.nanoTime();
    runtime.stopContainer(polite, Duration.ofSeconds(20));
    took = Duration.ofNanos(System.nanoTime() - start);
    assertTrue(took.compareTo(Duration.ofSeconds(5)) < 0, "SIGTERM should have ended it: " + took);
    assertEquals(0, runtime.inspectContainer(polite).orElseThrow().exitCode());

    runtime.stopContainer(polite, Duration.ofSeconds(1)); // a stopped container is not an error
  }

  @Test
  void removeLeavesNothingBehind() {
    String sandbox = podman.sandbox("gone");
    String a = podman.run(sandbox, "gone", "a", "exec sleep 1000");
    String b = runtime.createContainer(sandbox, podman.container("gone", "b", 0, List.of("true")));
    awaitRunning(a);

    runtime.stopSandbox(sandbox, Duration.ofSeconds(1));
    assertEquals(ContainerStatus.State.EXITED, runtime.inspectContainer(a).orElseThrow().state());
    runtime.removeSandbox(sandbox);

    Map<String, String> mine = Map.of(PodmanFixture.RUN_LABEL, podman.run);
    assertEquals(List.of(), podman.runtime.client().listContainers(mine));
    assertEquals(List.of(), podman.runtime.client().listPods(mine));
    assertTrue(runtime.listSandboxes().stream().noneMatch(s -> s.id().equals(sandbox)));
    assertTrue(runtime.listContainers().stream().noneMatch(c -> c.id().equals(a) || c.id().equals(b)));
    assertTrue(runtime.inspectContainer(a).isEmpty());

    runtime.removeSandbox(sandbox); // missing: not an error
    runtime.removeContainer(b);
    RuntimeError missing = assertThrows(RuntimeError.class, () -> runtime.startContainer(a));
    assertEquals(RuntimeError.Kind.NOT_FOUND, missing.kind());
    assertTrue(missing.getMessage().contains("no container with name or ID"), missing.getMessage());
  }

  @Test
  void sameNameTwiceIsAConflict() {
    String sandbox = podman.sandbox("twice");
    runtime.createContainer(sandbox, podman.container("twice", "main", 0, List.of("true")));
    RuntimeError twice = assertThrows(RuntimeError.class,
        () -> runtime.createContainer(sandbox, podman.container("twice", "main", 0, List.of("true"))));
    assertEquals(RuntimeError.Kind.CONFLICT, twice.kind());
    assertTrue(twice.getMessage().contains("already in use"), twice.getMessage());
  }

  @Test
  void imagesExistAndAFailedPullIsImagePull() {
    assertTrue(runtime.imageExists(PodmanFixture.IMAGE));
    assertFalse(runtime.imageExists("localhost/" + podman.name("missing") + ":1"));

    // no registry answers here: Podman's own reason comes back
    RuntimeError pull = assertThrows(RuntimeError.class,
        () -> runtime.pullImage("localhost/" + podman.name("missing") + ":1"));
    assertEquals(RuntimeError.Kind.IMAGE_PULL, pull.kind());
    assertTrue(pull.getMessage().contains(podman.name("missing")), pull.getMessage());

    assertTrue(runtime.version().matches("podman \\d+\\.\\d+\\.\\d+.*"), runtime.version());
  }

  @Test
  void eventsReportAStartAndADeathWithinASecond() throws Exception {
    BlockingQueue<Received> events = new LinkedBlockingQueue<>();
    String id;
    Received died;
    ContainerRuntime.Subscription subscription = runtime.subscribe(e -> events.add(new Received(e, Instant.now())));
    try {
      String sandbox = podman.sandbox("events");
      id = podman.run(sandbox, "events", "main", "sleep 1; exit 5");
      Received started = next(events, id, RuntimeEvent.Type.STARTED);
      assertEquals(sandbox, started.event().sandboxId());
      assertEquals(podman.run, started.event().labels().get(PodmanFixture.RUN_LABEL));
      died = next(events, id, RuntimeEvent.Type.EXITED);
    } finally {
      subscription.close();
    }
    assertEquals(5, died.event().exitCode());
    Instant finished = runtime.inspectContainer(id).orElseThrow().finishedAt();
    Duration latency = Duration.between(finished, died.at());
    System.out.println("death noticed " + latency.toMillis() + " ms after the container finished");
    assertTrue(latency.compareTo(Duration.ofSeconds(1)) < 0, "death noticed after " + latency);
  }

  private record Received(RuntimeEvent event, Instant at) {
  }

  private static Received next(BlockingQueue<Received> events, String id, RuntimeEvent.Type type)
      throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      Received r = events.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
      if (r != null && r.event().containerId().equals(id) && r.event().type() == type) {
        return r;
      }
    }
    throw new AssertionError("no " + type + " event for " + id + " within " + WAIT);
  }

  private static Map<LogSink.Stream, String> logs(String id, LogOptions options) {
    Map<LogSink.Stream, ByteArrayOutputStream> out = new EnumMap<>(LogSink.Stream.class);
    for (LogSink.Stream s : LogSink.Stream.values()) {
      out.put(s, new ByteArrayOutputStream());
    }
    runtime.logs(id, options, (stream, data) -> {
      out.get(stream).writeBytes(data);
      return true;
    });
    Map<LogSink.Stream, String> text = new EnumMap<>(LogSink.Stream.class);
    out.forEach((s, bytes) -> text.put(s, bytes.toString(StandardCharsets.UTF_8)));
    return text;
  }

  private static ContainerStatus awaitExited(String id) {
    return await().atMost(WAIT).until(() -> runtime.inspectContainer(id).orElseThrow(),
        s -> s.state() == ContainerStatus.State.EXITED);
  }

  private static void awaitRunning(String id) {
    await().atMost(WAIT).until(() -> runtime.inspectContainer(id).orElseThrow().state(),
        s -> s == ContainerStatus.State.RUNNING);
  }
}
