package io.skiff.agent.e2e;

import static io.skiff.agent.PodTesting.awaitPod;
import static io.skiff.agent.PodTesting.condition;
import static io.skiff.agent.PodTesting.find;
import static io.skiff.agent.PodTesting.phase;
import static io.skiff.agent.PodTesting.waitingReason;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.inject.Guice;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.skiff.agent.Agent;
import io.skiff.agent.AgentModule;
import io.skiff.agent.PodTesting;
import io.skiff.agent.SharedMasters;
import io.skiff.agent.TestAgent;
import io.skiff.agent.podman.PodmanRuntime;
import io.skiff.api.v1.Container;
import io.skiff.api.v1.ContainerPort;
import io.skiff.api.v1.DeleteRequest;
import io.skiff.api.v1.Event;
import io.skiff.api.v1.ExecAction;
import io.skiff.api.v1.LogChunk;
import io.skiff.api.v1.ObjectMeta;
import io.skiff.api.v1.Pod;
import io.skiff.api.v1.PodLogsRequest;
import io.skiff.api.v1.PodSpec;
import io.skiff.api.v1.PodsGrpc;
import io.skiff.api.v1.Probe;
import io.skiff.client.ResourceClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The agent, in this JVM, driving the real Podman ({@link PodmanRuntime}, as the agent process
 * opens it) for a real master: pods run, serve, log, crash, fail probes and pulls (and say why in
 * their Events), and go. Each test has a node of its own, whose every Podman pod and container is
 * removed after it.
 */
@Tag("podman")
@ExtendWith(SharedMasters.class)
class PodmanEndToEndTest {
  /** Podman starts, stops and pulls in real time on a shared two-core machine. */
  private static final Duration PATIENCE = Duration.ofSeconds(60);

  private final ResourceClient<Pod> pods = PodTesting.pods(SharedMasters.cluster().channel(0));
  private final ResourceClient<Event> events = PodTesting.events(SharedMasters.cluster().channel(0));
  private PodmanNode node;
  private PodmanRuntime runtime;
  private Agent agent;

  @BeforeEach
  void startAgent() throws Exception {
    node = PodmanNode.open();
    runtime = node.runtime();
    agent = Guice.createInjector(new AgentModule(TestAgent.config(SharedMasters.cluster(), node.node), runtime))
        .getInstance(Agent.class);
    agent.start();
    await().atMost(PATIENCE).until(agent::registered);
  }

  @AfterEach
  void stopAgent() throws Exception {
    try {
      agent.close();
      runtime.close();
    } finally {
      node.close();
    }
  }

  @Test
  void aPodServesOnItsHostPortAndItsLogsAreReadableThroughTheMaster() throws Exception {
    String name = node.name("web");
    int hostPort = PodmanNode.freePort();
    pods.create(pod(name, 1, "Always", busybox("web", "echo starting; mkdir -p /www; echo hello-skiff > /www/index.html;"
        + " echo one; echo two; sleep 2; echo late; exec httpd -f -p 8080 -h /www")
        .addPorts(ContainerPort.newBuilder().setContainerPort(8080).setHostPort(hostPort))).build());

    Pod running = awaitPod(name, p -> phase(p, "Running") && condition(p, "Ready", "True"));
    assertTrue(running.getStatus().getPodIp().matches("\\d+\\.\\d+\\.\\d+\\.\\d+"), running.getStatus().getPodIp());
    var web = running.getStatus().getContainerStatuses(0);
    assertTrue(web.getState().hasRunning());
    assertEquals(0, web.getRestartCount());
    String engineId = node.appContainers(name).get(0).id();
    assertEquals("podman://" + engineId, web.getContainerId());
    assertEquals(1, node.pods(name).size());

    // follow, started now, gets what is there and then what comes
    StringBuilder followed = new StringBuilder();
    AtomicReference<Status> ended = new AtomicReference<>();
    PodsGrpc.newStub(SharedMasters.cluster().channel(0)).logs(logs(name).setFollow(true).build(),
        new StreamObserver<>() {
          @Override
          public void onNext(LogChunk chunk) {
            synchronized (followed) {
              followed.append(chunk.getData().toString(StandardCharsets.UTF_8));
            }
          }

          @Override
          public void onError(Throwable t) {
            ended.set(Status.fromThrowable(t));
          }

          @Override
          public void onCompleted() {
            ended.set(Status.OK);
          }
        });
    await().atMost(PATIENCE).until(() -> text(followed).equals("starting\none\ntwo\nlate\n"));
    assertEquals(null, ended.get(), "follow goes on while the container runs");
    assertEquals("starting\none\ntwo\nlate\n", read(logs(name).build()));
    assertEquals("two\nlate\n", read(logs(name).setTailLines(2).build()));

    HttpResponse<String> response = await().atMost(PATIENCE).ignoreExceptions().until(() -> HttpClient.newHttpClient()
        .send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + hostPort + "/index.html"))
            .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()), r -> r.statusCode() == 200);
    assertEquals("hello-skiff\n", response.body());

    delete(name, 1);
    await().atMost(PATIENCE).until(() -> ended.get() != null);
    await().atMost(PATIENCE).until(() -> find(pods, name).isEmpty());
    assertTrue(node.containers(name).isEmpty() && node.pods(name).isEmpty());
  }

  @Test
  void aContainerThatExitsNonZeroIsRestartedWithGrowingBackOff() {
    String name = node.name("crash");
    long[] firstSeen = new long[5]; // when each restartCount was first seen, ms
    List<String> backOffs = new ArrayList<>();
    try (PodTesting.History history = new PodTesting.History(pods, name)) {
      pods.create(pod(name, 1, "Always", busybox("app", "echo crashing; exit 3")).build());

      Pod looping = await().atMost(PATIENCE).pollInterval(Duration.ofMillis(20))
          .ignoreException(StatusRuntimeException.class).until(() -> {
            Pod p = PodTesting.get(pods, name);
            int count = p.getStatus().getContainerStatusesCount() == 0 ? 0
                : Math.min(4, p.getStatus().getContainerStatuses(0).getRestartCount());
            for (int i = 0; i <= count; i++) {
              if (firstSeen[i] == 0) {
                firstSeen[i] = System.nanoTime() / 1_000_000;
              }
            }
            return p;
          }, p -> p.getStatus().getContainerStatusesCount() > 0
              && p.getStatus().getContainerStatuses(0).getRestartCount() >= 4);

      var app = looping.getStatus().getContainerStatuses(0);
      assertEquals(3, app.getLastState().getTerminated().getExitCode());
      assertEquals("Error", app.getLastState().getTerminated().getReason());
      assertEquals("Running", looping.getStatus().getPhase(), "a crash-looping pod under Always is Running");
      for (Pod p : history.seen) {
        if (waitingReason(p).equals("CrashLoopBackOff")) {
          String message = p.getStatus().getContainerStatuses(0).getState().getWaiting().getMessage();
          if (!backOffs.contains(message)) {
            backOffs.add(message);
          }
        }
      }
    }
    assertTrue(backOffs.size() >= 2 && backOffs.stream().allMatch(m -> m.startsWith("back-off ")),
        "CrashLoopBackOff with growing back-offs is shown: " + backOffs);
    // back-offs of 200, 400, 800 ms (doubling) between the restarts, plus each run
    long early = firstSeen[2] - firstSeen[1];
    long late = firstSeen[4] - firstSeen[3];
    assertTrue(late >= 800 && late > early + 300, "restart gaps " + early + " then " + late + " ms");
    List<String> ids = node.appContainers(name).stream().map(PodmanNode.LibpodContainer::id).toList();
    assertTrue(ids.size() <= 2, "only the current and the previous instance are kept: " + ids);
    delete(name, 0);
  }

  @Test
  void aFailingLivenessProbeRestartsTheContainer() {
    String name = node.name("sick");
    Pod pod = pods.create(pod(name, 1, "Always", busybox("app", "exec sleep 3600")
        .setLivenessProbe(execProbe("cat", "/tmp/healthy"))).build());

    Pod restarted = awaitPod(name, p -> p.getStatus().getContainerStatusesCount() > 0
        && p.getStatus().getContainerStatuses(0).getRestartCount() >= 1);

    var app = restarted.getStatus().getContainerStatuses(0);
    assertTrue(app.getLastState().hasTerminated(), app.toString());
    assertTrue(app.getLastState().getTerminated().getExitCode() != 0, app.toString());
    // what the probe's command said, through Podman's exec, is why the Event gives
    List<Event> told = await().atMost(PATIENCE).until(() -> PodTesting.eventsAbout(events, pod.getMetadata().getUid()),
        e -> e.stream().anyMatch(ev -> ev.getReason().equals("Killing")));
    Event unhealthy = told.stream().filter(e -> e.getReason().equals("Unhealthy")).findFirst().orElseThrow();
    assertTrue(unhealthy.getMessage().startsWith("Liveness probe failed: ") && unhealthy.getMessage()
        .contains("/tmp/healthy"), unhealthy.getMessage());
    delete(name, 0);
  }

  @Test
  void aFailingReadinessProbeKeepsThePodUnready() {
    String name = node.name("shy");
    String ready = node.name("ready");
    pods.create(pod(name, 1, "Always", busybox("app", "exec sleep 3600")
        .setReadinessProbe(execProbe("cat", "/tmp/ready"))).build());
    pods.create(pod(ready, 1, "Always", busybox("app", "touch /tmp/ready; exec sleep 3600")
        .setReadinessProbe(execProbe("cat", "/tmp/ready"))).build());

    awaitPod(ready, p -> condition(p, "Ready", "True"));
    Pod shy = awaitPod(name, p -> phase(p, "Running"));
    await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).until(() -> {
      Pod p = PodTesting.get(pods, name);
      return condition(p, "Ready", "False") && !p.getStatus().getContainerStatuses(0).getReady()
          && p.getStatus().getContainerStatuses(0).getRestartCount() == 0;
    });
    assertTrue(shy.getStatus().getContainerStatuses(0).getState().hasRunning());
    delete(name, 0);
    delete(ready, 0);
  }

  @Test
  void aMissingImageIsErrImagePullThenImagePullBackOff() {
    String name = node.name("ghost");
    String image = "localhost/skiff-no-such-image-" + node.run + ":1";
    try (PodTesting.History history = new PodTesting.History(pods, name)) {
      Pod pod = pods.create(pod(name, 1, "Always", PodTesting.container("main", image)).build());

      await().atMost(PATIENCE).until(() -> history.any(p -> waitingReason(p).equals("ErrImagePull"))
          && history.any(p -> waitingReason(p).equals("ImagePullBackOff")));
      Event failed = await().atMost(PATIENCE).until(() -> PodTesting.eventsAbout(events, pod.getMetadata().getUid())
          .stream().filter(e -> e.getReason().equals("Failed")).findFirst(), Optional::isPresent).orElseThrow();
      assertTrue(failed.getMessage().startsWith("Failed to pull image \"" + image + "\": ")
          && failed.getMessage().length() > ("Failed to pull image \"" + image + "\": ").length(), failed.getMessage());

      Pod pulling = history.seen.stream().filter(p -> waitingReason(p).equals("ErrImagePull")).findFirst().orElseThrow();
      assertEquals("Pending", pulling.getStatus().getPhase());
      assertFalse(pulling.getStatus().getContainerStatuses(0).getState().getWaiting().getMessage().isEmpty());
      assertTrue(node.appContainers(name).isEmpty());
    }
    delete(name, 0);
  }

  @Test
  void deleteStopsAContainerThatIgnoresSigtermWithinTheGracePeriodAndLeavesNothing() {
    String name = node.name("stubborn");
    // PID 1 of the container has no handler for SIGTERM, so only the SIGKILL after the grace period stops it
    pods.create(pod(name, 2, "Always", PodTesting.container("app", PodmanNode.IMAGE)
        .addCommand("sleep").addArgs("3600")).build());
    awaitPod(name, p -> phase(p, "Running"));
    assertEquals(1, node.appContainers(name).size());

    long start = System.nanoTime();
    pods.delete(DeleteRequest.newBuilder().setNamespace("default").setName(name).build());
    await().atMost(PATIENCE).pollInterval(Duration.ofMillis(50)).until(() -> find(pods, name).isEmpty());
    long millis = (System.nanoTime() - start) / 1_000_000;

    assertTrue(millis >= 1_500 && millis <= 4_000, "gone after " + millis + " ms, grace 2 s");
    assertTrue(node.containers(name).isEmpty(), "containers left: " + node.containers(name));
    assertTrue(node.pods(name).isEmpty(), "pods left: " + node.pods(name));
  }

  // ---- helpers ------------------------------------------------------------------------------

  private Pod awaitPod(String name, java.util.function.Predicate<Pod> condition) {
    return await().atMost(PATIENCE).pollInterval(Duration.ofMillis(100)).ignoreException(StatusRuntimeException.class)
        .until(() -> PodTesting.get(pods, name), condition);
  }

  private Pod.Builder pod(String name, int graceSeconds, String restartPolicy, Container.Builder container) {
    return Pod.newBuilder().setMetadata(ObjectMeta.newBuilder().setNamespace("default").setName(name))
        .setSpec(PodSpec.newBuilder().setNodeName(node.node).setRestartPolicy(restartPolicy)
            .setTerminationGracePeriodSeconds(graceSeconds).addContainers(container));
  }

  static Container.Builder busybox(String name, String script) {
    return PodTesting.container(name, PodmanNode.IMAGE).addCommand("sh").addArgs("-c").addArgs(script);
  }

  private static Probe execProbe(String... command) {
    return Probe.newBuilder().setExec(ExecAction.newBuilder().addAllCommand(List.of(command)))
        .setPeriodSeconds(1).setFailureThreshold(1).setTimeoutSeconds(5).build();
  }

  /** Deletes the pod and waits until it is gone, with nothing of it left in Podman. */
  private void delete(String name, int graceSeconds) {
    pods.delete(DeleteRequest.newBuilder().setNamespace("default").setName(name).setGracePeriodSeconds(graceSeconds)
        .build());
    await().atMost(PATIENCE).until(() -> find(pods, name).isEmpty());
    await().atMost(PATIENCE).until(() -> node.containers(name).isEmpty() && node.pods(name).isEmpty());
  }

  private static PodLogsRequest.Builder logs(String name) {
    return PodLogsRequest.newBuilder().setNamespace("default").setName(name);
  }

  private static String read(PodLogsRequest request) {
    StringBuilder out = new StringBuilder();
    Iterator<LogChunk> stream = PodsGrpc.newBlockingStub(SharedMasters.cluster().channel(0))
        .withDeadlineAfter(20, TimeUnit.SECONDS).logs(request);
    while (stream.hasNext()) {
      out.append(stream.next().getData().toString(StandardCharsets.UTF_8));
    }
    return out.toString();
  }

  private static String text(StringBuilder builder) {
    synchronized (builder) {
      return builder.toString();
    }
  }
}
