package io.skiff.agent;

import static io.skiff.agent.PodTesting.awaitPod;
import static io.skiff.agent.PodTesting.condition;
import static io.skiff.agent.PodTesting.container;
import static io.skiff.agent.PodTesting.containersOf;
import static io.skiff.agent.PodTesting.phase;
import static io.skiff.agent.PodTesting.pod;
import static io.skiff.agent.PodTesting.unique;
import static io.skiff.agent.PodTesting.waitingReason;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skiff.agent.runtime.ContainerConfig;
import io.skiff.agent.runtime.ContainerScript;
import io.skiff.agent.runtime.ContainerStatus;
import io.skiff.agent.runtime.RuntimeEvent;
import io.skiff.agent.runtime.RuntimeLabels;
import io.skiff.agent.runtime.SandboxConfig;
import io.skiff.api.v1.ContainerPort;
import io.skiff.api.v1.ContainerStateTerminated;
import io.skiff.api.v1.EnvVar;
import io.skiff.api.v1.Pod;
import io.skiff.api.v1.ResourceRequirements;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Pods bound to the node run, and their containers end, crash and restart as their restartPolicy says. */
class PodLifecycleTest extends AgentOnMemoryRuntime {
  @Test
  void aBoundPodRunsAsItsSpecSaysAndReportsRunning() {
    String name = unique("web");
    pods.create(pod(name, agent.node, "Always", container("web", "nginx:1.25")
        .addCommand("nginx").addArgs("-g").addArgs("daemon off;").setWorkingDir("/srv")
        .addEnv(EnvVar.newBuilder().setName("MODE").setValue("test"))
        .addPorts(ContainerPort.newBuilder().setContainerPort(80).setHostPort(18080))
        .setResources(ResourceRequirements.newBuilder().putLimits("memory", "64Mi").putLimits("cpu", "250m")))
        .build());

    Pod running = awaitPod(pods, name, p -> phase(p, "Running") && condition(p, "Ready", "True"));

    var status = running.getStatus();
    assertTrue(status.getPodIp().startsWith("10.88."), status.getPodIp());
    assertEquals("127.0.0.1", status.getHostIp());
    assertTrue(status.hasStartTime());
    for (String type : List.of("PodScheduled", "Initialized", "ContainersReady", "Ready")) {
      assertTrue(condition(running, type, "True"), type + " in " + status.getConditionsList());
    }
    var web = status.getContainerStatuses(0);
    assertTrue(web.getState().hasRunning());
    assertTrue(web.getReady() && web.getStarted());
    assertEquals(0, web.getRestartCount());
    assertEquals("nginx:1.25", web.getImage());
    assertTrue(web.getImageId().startsWith("sha256:"));
    ContainerStatus engine = containersOf(runtime, name).get(0);
    assertEquals("in-memory://" + engine.id(), web.getContainerId());
    assertEquals("Guaranteed", status.getQosClass(), "limits alone: requests default to them");

    ContainerConfig config = runtime.config(engine.id());
    assertEquals(List.of("nginx"), config.command());
    assertEquals(List.of("-g", "daemon off;"), config.args());
    assertEquals(Map.of("MODE", "test"), config.env());
    assertEquals("/srv", config.workingDir());
    assertEquals(64L << 20, config.memoryLimitBytes());
    assertEquals(250, config.cpuMillis());
    assertEquals(running.getMetadata().getUid(), config.labels().get(RuntimeLabels.POD_UID));
    assertEquals("0", config.labels().get(RuntimeLabels.ATTEMPT));
    SandboxConfig sandbox = runtime.sandboxConfig(engine.sandboxId());
    assertEquals(List.of(new SandboxConfig.PortMapping(80, 18080, "tcp", "")), sandbox.portMappings());

    // resyncs (every second here) find nothing new: the status is not written again
    long version = running.getMetadata().getResourceVersion();
    await().during(Duration.ofMillis(2500)).atMost(Duration.ofSeconds(5)).until(() ->
        PodTesting.get(pods, name).getMetadata().getResourceVersion() == version);
  }

  @Test
  void aCrashingContainerIsRestartedWithGrowingBackOffInCrashLoopBackOff() {
    List<Instant> starts = new CopyOnWriteArrayList<>();
    runtime.subscribe(e -> {
      if (e.type() == RuntimeEvent.Type.STARTED) {
        starts.add(Instant.now());
      }
    });
    runtime.script("crash:1", ContainerScript.runs().exitingAfter(Duration.ofMillis(50), 1));
    String name = unique("crash");
    try (PodTesting.History history = new PodTesting.History(pods, name)) {
      pods.create(pod(name, agent.node, "Always", container("app", "crash:1")).build());

      Pod looping = awaitPod(pods, name, p -> p.getStatus().getContainerStatusesCount() > 0
          && p.getStatus().getContainerStatuses(0).getRestartCount() >= 4);

      assertTrue(history.any(p -> waitingReason(p).equals("CrashLoopBackOff")), "CrashLoopBackOff was shown");
      assertTrue(history.any(p -> waitingReason(p).equals("CrashLoopBackOff")
          && p.getStatus().getContainerStatuses(0).getState().getWaiting().getMessage().startsWith("back-off ")));
      assertEquals("Running", looping.getStatus().getPhase(), "a crash-looping pod under Always is Running");
      ContainerStateTerminated last = looping.getStatus().getContainerStatuses(0).getLastState().getTerminated();
      assertEquals(1, last.getExitCode());
      assertEquals("Error", last.getReason());
      // the gaps between starts grow: the run (50 ms), then 200, 400, 800 ms of back-off on top
      List<Long> gaps = new ArrayList<>();
      for (int i = 1; i < 5; i++) {
        gaps.add(Duration.between(starts.get(i - 1), starts.get(i)).toMillis());
      }
      assertTrue(gaps.get(1) >= 200 && gaps.get(2) >= 400 && gaps.get(3) >= 800, "gaps " + gaps);
      assertTrue(gaps.get(3) > gaps.get(1), "gaps " + gaps);
      assertTrue(containersOf(runtime, name).size() <= 2, "only the current and the previous instance are kept");
    }
  }

  @Test
  void onFailureRestartsAFailureAndEndsSucceeded() {
    runtime.script(c -> c.image().equals("job:1") ? ContainerScript.runs().exitingAfter(Duration.ofMillis(50),
        c.labels().get(RuntimeLabels.ATTEMPT).equals("0") ? 2 : 0) : null);
    String name = unique("job");
    pods.create(pod(name, agent.node, "OnFailure", container("job", "job:1")).build());

    Pod done = awaitPod(pods, name, p -> phase(p, "Succeeded"));

    var job = done.getStatus().getContainerStatuses(0);
    assertEquals(1, job.getRestartCount());
    assertEquals("Completed", job.getState().getTerminated().getReason());
    assertEquals(0, job.getState().getTerminated().getExitCode());
    assertEquals(2, job.getLastState().getTerminated().getExitCode());
    assertTrue(condition(done, "Ready", "False"));
    await().atMost(PodTesting.PATIENCE).until(() -> runtime.listSandboxes().stream()
        .noneMatch(s -> name.equals(s.labels().get(RuntimeLabels.POD_NAME)) && s.running()));
  }

  @Test
  void neverEndsFailedOnAFailureAndOomKilledSaysSo() {
    runtime.script("fail:1", ContainerScript.runs().exitingAfter(Duration.ofMillis(50), 3));
    runtime.script("hog:1", ContainerScript.runs().oomKilledAfter(Duration.ofMillis(50)));
    String failing = unique("fail");
    String hog = unique("hog");
    pods.create(pod(failing, agent.node, "Never", container("main", "fail:1")).build());
    pods.create(pod(hog, agent.node, "Never", container("main", "hog:1")).build());

    Pod failed = awaitPod(pods, failing, p -> phase(p, "Failed"));
    Pod killed = awaitPod(pods, hog, p -> phase(p, "Failed"));

    var terminated = failed.getStatus().getContainerStatuses(0).getState().getTerminated();
    assertEquals(3, terminated.getExitCode());
    assertEquals("Error", terminated.getReason());
    assertEquals(0, failed.getStatus().getContainerStatuses(0).getRestartCount());
    assertEquals("OOMKilled", killed.getStatus().getContainerStatuses(0).getState().getTerminated().getReason());
    assertEquals(137, killed.getStatus().getContainerStatuses(0).getState().getTerminated().getExitCode());
    assertEquals(1, containersOf(runtime, failing).size(), "never restarted");
  }

  @Test
  void aMissingImageIsErrImagePullThenImagePullBackOff() {
    runtime.refusePulls("ghost:1", "manifest for ghost:1 not found");
    String name = unique("ghost");
    try (PodTesting.History history = new PodTesting.History(pods, name)) {
      pods.create(pod(name, agent.node, "Always", container("main", "ghost:1")).build());

      await().atMost(PodTesting.PATIENCE).until(() -> history.any(p -> waitingReason(p).equals("ErrImagePull"))
          && history.any(p -> waitingReason(p).equals("ImagePullBackOff")) && runtime.pullCount("ghost:1") >= 3);

      Pod pulling = history.seen.stream().filter(p -> waitingReason(p).equals("ErrImagePull")).findFirst().orElseThrow();
      assertEquals("manifest for ghost:1 not found",
          pulling.getStatus().getContainerStatuses(0).getState().getWaiting().getMessage());
      assertEquals("Pending", pulling.getStatus().getPhase());
      assertTrue(containersOf(runtime, name).isEmpty());
    }
  }

  @Test
  void pullPoliciesAreFollowed() {
    runtime.addImage("present:1");
    String ifNotPresent = unique("present");
    String never = unique("never");
    String always = unique("always");
    pods.create(pod(ifNotPresent, agent.node, "Always", container("main", "present:1")).build());
    pods.create(pod(never, agent.node, "Always", container("main", "absent:1").setImagePullPolicy("Never")).build());
    pods.create(pod(always, agent.node, "Always", container("main", "fresh:1").setImagePullPolicy("Always")).build());

    awaitPod(pods, ifNotPresent, p -> phase(p, "Running"));
    awaitPod(pods, always, p -> phase(p, "Running"));
    Pod refused = awaitPod(pods, never, p -> waitingReason(p).equals("ErrImageNeverPull"));

    assertEquals(0, runtime.pullCount("present:1"), "IfNotPresent does not pull a present image");
    assertEquals(1, runtime.pullCount("fresh:1"));
    assertEquals(0, runtime.pullCount("absent:1"), "Never never pulls");
    assertFalse(refused.getStatus().getContainerStatuses(0).getState().getWaiting().getMessage().isEmpty());
  }
}
