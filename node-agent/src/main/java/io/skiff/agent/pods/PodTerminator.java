package io.skiff.agent.pods;

import com.google.inject.Inject;
import com.google.inject.Singleton;
import io.skiff.agent.events.PodEvents;
import io.skiff.agent.runtime.ContainerRuntime;
import io.skiff.agent.runtime.ContainerStatus;
import io.skiff.agent.runtime.RuntimeError;
import io.skiff.agent.runtime.SandboxStatus;
import io.skiff.agent.threads.AgentThreads;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops and removes all of a pod's containers and sandboxes in the background — SIGTERM, the grace
 * period, SIGKILL — so that a pod with a long grace period holds up no sync worker. One termination
 * per pod at a time; when it ends (well or not) the listener hears the pod's uid, and the pod's
 * next sync sees what is left. Each running container is told as Killing ("Stopping container X").
 * Thread-safe.
 */
@Singleton
public final class PodTerminator implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PodTerminator.class);

  private final ContainerRuntime runtime;
  private final PodEvents events;
  private final Set<String> busy = ConcurrentHashMap.newKeySet();
  private final ExecutorService executor;
  private volatile Consumer<String> onDone = uid -> { };

  @Inject
  public PodTerminator(ContainerRuntime runtime, AgentThreads threads, PodEvents events) {
    this.runtime = runtime;
    this.events = events;
    this.executor = threads.onDemand("pod-terminator");
  }

  public void setListener(Consumer<String> listener) {
    this.onDone = listener;
  }

  public boolean busy(String uid) {
    return busy.contains(uid);
  }

  /** Starts terminating the pod unless that is already under way. */
  public void terminate(String uid, String description, Duration grace) {
    if (!busy.add(uid)) {
      return;
    }
    try {
      executor.execute(() -> {
        try {
          long start = System.nanoTime();
          stopAndRemove(uid, grace);
          log.info("pod {}: containers stopped (grace {} s) and removed in {} ms", description, grace.toSeconds(),
              (System.nanoTime() - start) / 1_000_000);
        } catch (RuntimeException e) {
          log.warn("pod {}: stopping its containers failed; will try again", description, e);
        } finally {
          busy.remove(uid);
          onDone.accept(uid);
        }
      });
    } catch (java.util.concurrent.RejectedExecutionException e) {
      busy.remove(uid);
    }
  }

  private void stopAndRemove(String uid, Duration grace) {
    PodRuntime actual = PodRuntime.read(runtime, uid);
    for (ContainerStatus container : actual.containers()) {
      if (container.state() == ContainerStatus.State.RUNNING) {
        events.stopping(container);
      }
    }
    for (SandboxStatus sandbox : actual.sandboxes()) {
      try {
        runtime.stopSandbox(sandbox.id(), grace);
      } catch (RuntimeError e) {
        if (e.kind() != RuntimeError.Kind.NOT_FOUND) {
          throw e;
        }
      }
    }
    for (ContainerStatus container : PodRuntime.read(runtime, uid).containers()) {
      if (container.state() == ContainerStatus.State.RUNNING) {
        runtime.stopContainer(container.id(), grace);
      }
    }
    for (SandboxStatus sandbox : actual.sandboxes()) {
      runtime.removeSandbox(sandbox.id());
    }
    for (ContainerStatus container : PodRuntime.read(runtime, uid).containers()) {
      runtime.removeContainer(container.id());
    }
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
