package io.skiff.agent;

import static io.skiff.agent.PodTesting.awaitPod;
import static io.skiff.agent.PodTesting.container;
import static io.skiff.agent.PodTesting.containersOf;
import static io.skiff.agent.PodTesting.phase;
import static io.skiff.agent.PodTesting.pod;
import static io.skiff.agent.PodTesting.unique;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Context;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.skiff.agent.runtime.ContainerScript;
import io.skiff.agent.runtime.ContainerStatus;
import io.skiff.agent.runtime.LogSink;
import io.skiff.agent.runtime.RuntimeLabels;
import io.skiff.api.v1.LogChunk;
import io.skiff.api.v1.Pod;
import io.skiff.api.v1.PodLogsRequest;
import io.skiff.api.v1.PodsGrpc;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** A container's log, read through the master's Pods/Logs, which relays the node agent's stream. */
class LogsTest extends AgentOnMemoryRuntime {
  @Test
  void logsWithTailAndTimestamps() {
    runtime.script("echo:1", ContainerScript.runs().printing("one", "two", "three"));
    String name = unique("echo");
    pods.create(pod(name, agent.node, "Always", container("main", "echo:1")).build());
    awaitRegisteredAndRunning(name);

    assertEquals("one\ntwo\nthree\n", read(request(name).build()));
    assertEquals("two\nthree\n", read(request(name).setTailLines(2).build()));
    assertTrue(read(request(name).setTailLines(1).setTimestamps(true).build())
        .matches("\\d{4}-\\d\\d-\\d\\dT\\S+Z three\n"));
  }

  @Test
  void followStreamsNewLinesUntilTheContainerStops() throws Exception {
    runtime.script("tail:1", ContainerScript.runs().printing("ready"));
    String name = unique("follow");
    pods.create(pod(name, agent.node, "Never", container("main", "tail:1")).build());
    awaitRegisteredAndRunning(name);
    StringBuilder received = new StringBuilder();
    AtomicReference<Status> ended = new AtomicReference<>();
    PodsGrpc.newStub(SharedMasters.cluster().channel(0)).logs(request(name).setFollow(true).build(),
        new StreamObserver<>() {
          @Override
          public void onNext(LogChunk chunk) {
            synchronized (received) {
              received.append(chunk.getData().toString(StandardCharsets.UTF_8));
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
    await().atMost(PodTesting.PATIENCE).until(() -> text(received).equals("ready\n"));
    String id = containersOf(runtime, name).get(0).id();

    runtime.write(id, LogSink.Stream.STDOUT, "more");
    runtime.write(id, LogSink.Stream.STDERR, "and more");
    await().atMost(PodTesting.PATIENCE).until(() -> text(received).equals("ready\nmore\nand more\n"));
    runtime.exit(id, 0);

    await().atMost(PodTesting.PATIENCE).until(() -> ended.get() != null);
    assertEquals(Status.Code.OK, ended.get().getCode());
  }

  @Test
  void previousIsTheInstanceBeforeTheLastRestart() {
    runtime.script(c -> c.image().equals("flaky:1") ? ContainerScript.runs()
        .printing("attempt " + c.labels().get(RuntimeLabels.ATTEMPT)) : null);
    String name = unique("flaky");
    pods.create(pod(name, agent.node, "Always", container("main", "flaky:1")).build());
    awaitRegisteredAndRunning(name);
    StatusRuntimeException none = assertThrows(StatusRuntimeException.class,
        () -> read(request(name).setPrevious(true).build()));
    assertEquals(Status.Code.NOT_FOUND, none.getStatus().getCode());

    runtime.exit(containersOf(runtime, name).get(0).id(), 1);
    awaitPod(pods, name, p -> p.getStatus().getContainerStatuses(0).getRestartCount() == 1
        && p.getStatus().getContainerStatuses(0).getState().hasRunning());

    assertEquals("attempt 1\n", read(request(name).build()));
    assertEquals("attempt 0\n", read(request(name).setPrevious(true).build()));
  }

  @Test
  void aClientThatGoesAwayEndsTheAgentsFollow() throws Exception {
    String name = unique("quiet");
    pods.create(pod(name, agent.node, "Always", container("main", "quiet:1")).build());
    awaitRegisteredAndRunning(name);
    Context.CancellableContext context = Context.current().withCancellation();
    Iterator<LogChunk> stream = context.call(() -> PodsGrpc.newBlockingStub(SharedMasters.cluster().channel(0))
        .logs(request(name).setFollow(true).build()));
    String id = containersOf(runtime, name).get(0).id();
    runtime.write(id, LogSink.Stream.STDOUT, "hello");
    assertEquals("hello\n", stream.next().getData().toStringUtf8());
    context.cancel(null);
    // the container keeps running; a fresh read still works, so nothing was left stuck
    assertEquals("hello\n", read(request(name).build()));
    assertEquals(ContainerStatus.State.RUNNING, containersOf(runtime, name).get(0).state());
  }

  private void awaitRegisteredAndRunning(String name) {
    await().atMost(PodTesting.PATIENCE).until(agent.agent::registered);
    awaitPod(pods, name, p -> phase(p, "Running"));
  }

  private static PodLogsRequest.Builder request(String name) {
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
