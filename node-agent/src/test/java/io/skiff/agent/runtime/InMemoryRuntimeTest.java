package io.skiff.agent.runtime;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The in-memory engine keeps its own contract: scripts, stops with grace, logs, pulls, events. */
class InMemoryRuntimeTest {
  private final InMemoryRuntime runtime = new InMemoryRuntime();

  @AfterEach
  void close() {
    runtime.close();
  }

  @Test
  void aScriptedContainerExitsWithItsCodeAndEventsSayIt() {
    List<RuntimeEvent.Type> events = new CopyOnWriteArrayList<>();
    runtime.subscribe(e -> events.add(e.type()));
    runtime.script("crash:1", ContainerScript.runs().exitingAfter(Duration.ofMillis(50), 3));
    String id = start("crash:1");

    await().atMost(Duration.ofSeconds(5)).until(() -> runtime.inspectContainer(id).orElseThrow().state()
        == ContainerStatus.State.EXITED);
    ContainerStatus status = runtime.inspectContainer(id).orElseThrow();
    assertEquals(3, status.exitCode());
    assertFalse(status.oomKilled());
    assertTrue(status.finishedAt() != null && !status.finishedAt().isBefore(status.startedAt()));
    await().atMost(Duration.ofSeconds(5)).until(() -> events.equals(List.of(RuntimeEvent.Type.CREATED,
        RuntimeEvent.Type.STARTED, RuntimeEvent.Type.EXITED)));
  }

  @Test
  void stopWaitsForTheGraceOfAContainerThatIgnoresSigterm() {
    runtime.script("sleep:1", ContainerScript.runs().ignoringSigterm());
    runtime.script("polite:1", ContainerScript.runs());
    String stubborn = start("sleep:1");
    String polite = start("polite:1");

    long begin = System.nanoTime();
    runtime.stopContainer(stubborn, Duration.ofMillis(300));
    assertTrue(System.nanoTime() - begin >= 300_000_000L, "waited the grace period");
    assertEquals(ContainerScript.SIGKILL_EXIT_CODE, runtime.inspectContainer(stubborn).orElseThrow().exitCode());

    runtime.stopContainer(polite, Duration.ofSeconds(30));
    assertEquals(ContainerScript.SIGTERM_EXIT_CODE, runtime.inspectContainer(polite).orElseThrow().exitCode());
  }

  @Test
  void logsTailTimestampsAndFollow() throws Exception {
    runtime.script("echo:1", ContainerScript.runs().printing("one", "two", "three"));
    String id = start("echo:1");

    assertEquals("two\nthree\n", read(id, new LogOptions(false, 2, false, null)));
    assertTrue(read(id, new LogOptions(false, 1, true, null)).matches("\\d{4}-\\d\\d-\\d\\dT[^ ]+Z three\n"));

    StringBuilder followed = new StringBuilder();
    Thread follower = new Thread(() -> runtime.logs(id, new LogOptions(true, -1, false, null), (stream, data) -> {
      synchronized (followed) {
        followed.append(new String(data, StandardCharsets.UTF_8));
      }
      return true;
    }));
    follower.start();
    runtime.write(id, LogSink.Stream.STDERR, "four");
    await().atMost(Duration.ofSeconds(5)).until(() -> {
      synchronized (followed) {
        return followed.toString().equals("one\ntwo\nthree\nfour\n");
      }
    });
    runtime.exit(id, 0);
    follower.join(5_000);
    assertFalse(follower.isAlive(), "following ends when the container stops");
  }

  @Test
  void pullsCanBeRefusedAndMissingImagesCannotBeUsed() {
    runtime.refusePulls("gone:1", "manifest unknown");
    RuntimeError refused = assertThrows(RuntimeError.class, () -> runtime.pullImage("gone:1"));
    assertEquals(RuntimeError.Kind.IMAGE_PULL, refused.kind());
    assertEquals(1, runtime.pullCount("gone:1"));
    String sandbox = runtime.createSandbox(new SandboxConfig("s", Map.of(), "s", List.of()));
    RuntimeError missing = assertThrows(RuntimeError.class, () -> runtime.createContainer(sandbox,
        config("c", "gone:1")));
    assertEquals(RuntimeError.Kind.NOT_FOUND, missing.kind());
  }

  private String start(String image) {
    runtime.pullImage(image);
    String sandbox = runtime.createSandbox(new SandboxConfig("pod-" + image, Map.of(), "pod", List.of()));
    String id = runtime.createContainer(sandbox, config("c-" + image, image));
    runtime.startContainer(id);
    return id;
  }

  private static ContainerConfig config(String name, String image) {
    return new ContainerConfig(name, image, List.of(), List.of(), Map.of(), "", 0, 0, Map.of());
  }

  private String read(String id, LogOptions options) {
    StringBuilder out = new StringBuilder();
    runtime.logs(id, options, (stream, data) -> {
      out.append(new String(data, StandardCharsets.UTF_8));
      return true;
    });
    return out.toString();
  }
}
