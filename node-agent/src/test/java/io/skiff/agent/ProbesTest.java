package io.skiff.agent;

import static io.skiff.agent.PodTesting.awaitPod;
import static io.skiff.agent.PodTesting.condition;
import static io.skiff.agent.PodTesting.container;
import static io.skiff.agent.PodTesting.phase;
import static io.skiff.agent.PodTesting.pod;
import static io.skiff.agent.PodTesting.unique;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.skiff.agent.runtime.ContainerScript;
import io.skiff.agent.runtime.ExecResult;
import io.skiff.agent.runtime.RuntimeLabels;
import io.skiff.api.v1.ExecAction;
import io.skiff.api.v1.HTTPGetAction;
import io.skiff.api.v1.Pod;
import io.skiff.api.v1.Probe;
import io.skiff.api.v1.TCPSocketAction;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Liveness restarts, readiness gates Ready, startup gates both; exec, HTTP and TCP probes. */
class ProbesTest extends AgentOnMemoryRuntime {
  @Test
  void aFailingLivenessProbeRestartsTheContainer() {
    // the first instance fails its health check; the one after it is healthy
    runtime.script(c -> c.image().equals("sick:1") ? ContainerScript.runs().onExec(cmd ->
        new ExecResult(c.labels().get(RuntimeLabels.ATTEMPT).equals("0") ? 1 : 0, "")) : null);
    String name = unique("sick");
    pods.create(pod(name, agent.node, "Always", container("app", "sick:1")
        .setLivenessProbe(exec(1, 2))).build());

    Pod restarted = awaitPod(pods, name, p -> phase(p, "Running")
        && p.getStatus().getContainerStatuses(0).getRestartCount() == 1
        && p.getStatus().getContainerStatuses(0).getState().hasRunning());

    var app = restarted.getStatus().getContainerStatuses(0);
    assertEquals(ContainerScript.SIGTERM_EXIT_CODE, app.getLastState().getTerminated().getExitCode(),
        "the failed instance was stopped with SIGTERM");
    await().during(Duration.ofMillis(2500)).atMost(Duration.ofSeconds(5)).until(() ->
        PodTesting.get(pods, name).getStatus().getContainerStatuses(0).getRestartCount() == 1);
  }

  @Test
  void aFailingReadinessProbeKeepsThePodUnready() {
    AtomicBoolean healthy = new AtomicBoolean(false);
    runtime.script("shy:1", ContainerScript.runs().onExec(cmd -> new ExecResult(healthy.get() ? 0 : 1, "")));
    String name = unique("shy");
    pods.create(pod(name, agent.node, "Always", container("app", "shy:1").setReadinessProbe(exec(1, 1))).build());

    Pod unready = awaitPod(pods, name, p -> phase(p, "Running"));
    await().during(Duration.ofMillis(2500)).atMost(Duration.ofSeconds(5)).until(() ->
        condition(PodTesting.get(pods, name), "Ready", "False"));
    unready = PodTesting.get(pods, name);
    assertTrue(condition(unready, "ContainersReady", "False"));
    assertFalse(unready.getStatus().getContainerStatuses(0).getReady());
    assertTrue(unready.getStatus().getContainerStatuses(0).getStarted());
    assertEquals(0, unready.getStatus().getContainerStatuses(0).getRestartCount(), "readiness never restarts");

    healthy.set(true);
    awaitPod(pods, name, p -> condition(p, "Ready", "True") && p.getStatus().getContainerStatuses(0).getReady());
  }

  @Test
  void theStartupProbeHoldsBackLivenessAndReadiness() {
    AtomicBoolean up = new AtomicBoolean(false);
    AtomicInteger otherProbes = new AtomicInteger();
    runtime.script("slow:1", ContainerScript.runs().onExec(cmd -> {
      if (cmd.get(0).equals("started")) {
        return new ExecResult(up.get() ? 0 : 1, "");
      }
      otherProbes.incrementAndGet();
      return new ExecResult(0, "");
    }));
    String name = unique("slow");
    Probe startup = exec(1, 30).toBuilder().setExec(ExecAction.newBuilder().addCommand("started")).build();
    pods.create(pod(name, agent.node, "Always", container("app", "slow:1").setStartupProbe(startup)
        .setLivenessProbe(exec(1, 1)).setReadinessProbe(exec(1, 1))).build());

    awaitPod(pods, name, p -> phase(p, "Running"));
    await().during(Duration.ofMillis(2500)).atMost(Duration.ofSeconds(5)).until(() -> otherProbes.get() == 0);
    var waiting = PodTesting.get(pods, name).getStatus().getContainerStatuses(0);
    assertFalse(waiting.getStarted());
    assertFalse(waiting.getReady());

    up.set(true);
    Pod ready = awaitPod(pods, name, p -> condition(p, "Ready", "True"));
    assertTrue(ready.getStatus().getContainerStatuses(0).getStarted());
    assertTrue(otherProbes.get() > 0, "liveness and readiness run once started");
    assertEquals(0, ready.getStatus().getContainerStatuses(0).getRestartCount());
  }

  @Test
  void httpAndTcpProbesReachThePodIp() throws Exception {
    runtime.usePodIp("127.0.0.1");
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/healthz", exchange -> {
      exchange.sendResponseHeaders(200, -1);
      exchange.close();
    });
    server.start();
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    try {
      int port = server.getAddress().getPort();
      String web = unique("web");
      String tcp = unique("tcp");
      String closed = unique("closed");
      pods.create(pod(web, agent.node, "Always", container("app", "web:1").setReadinessProbe(Probe.newBuilder()
          .setHttpGet(HTTPGetAction.newBuilder().setPath("/healthz").setPort(port)).setPeriodSeconds(1))).build());
      pods.create(pod(tcp, agent.node, "Always", container("app", "web:1").setReadinessProbe(Probe.newBuilder()
          .setTcpSocket(TCPSocketAction.newBuilder().setPort(port)).setPeriodSeconds(1))).build());
      pods.create(pod(closed, agent.node, "Always", container("app", "web:1").setReadinessProbe(Probe.newBuilder()
          .setTcpSocket(TCPSocketAction.newBuilder().setPort(closedPort)).setPeriodSeconds(1))).build());

      awaitPod(pods, web, p -> condition(p, "Ready", "True"));
      awaitPod(pods, tcp, p -> condition(p, "Ready", "True"));
      await().during(Duration.ofMillis(2000)).atMost(Duration.ofSeconds(5)).until(() ->
          condition(PodTesting.get(pods, closed), "Ready", "False"));
    } finally {
      server.stop(0);
    }
  }

  private static Probe exec(int periodSeconds, int failureThreshold) {
    return Probe.newBuilder().setExec(ExecAction.newBuilder().addAllCommand(List.of("check")))
        .setPeriodSeconds(periodSeconds).setFailureThreshold(failureThreshold).setTimeoutSeconds(1)
        .setSuccessThreshold(1).build();
  }
}
