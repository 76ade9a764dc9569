package io.skiff.controlplane.testing;

import com.google.protobuf.util.Timestamps;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.skiff.api.v1.Condition;
import io.skiff.api.v1.Container;
import io.skiff.api.v1.ContainerState;
import io.skiff.api.v1.ContainerStateRunning;
import io.skiff.api.v1.ContainerStatus;
import io.skiff.api.v1.Pod;
import io.skiff.api.v1.PodStatus;
import io.skiff.client.ResourceClient;
import io.skiff.client.ResourceTypes;
import io.skiff.client.cache.Informer;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A test stand-in for the kubelet, for tests of controllers that run with no
 * scheduler and no node agent: it watches every pod, bound to a node or not,
 * and reports it Running with Ready=True (by UpdateStatus), {@code delay}
 * after it first sees it. Pods it is told to {@link #hold} stay as they are.
 * Nothing runs: it starts no containers. Thread-safe.
 */
public final class StandInKubelet implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(StandInKubelet.class);

  private final Duration delay;
  private final ResourceClient<Pod> pods;
  private final Informer<Pod> informer;
  private final ScheduledExecutorService marker;
  /** Keys of pods waiting to be marked ready, so each waits once. */
  private final Set<String> waiting = ConcurrentHashMap.newKeySet();
  private volatile Predicate<Pod> held = pod -> false;

  public StandInKubelet(Channel channel, Duration delay) {
    this.delay = delay;
    this.pods = new ResourceClient<>(channel, ResourceTypes.PODS, 10_000);
    this.informer = new Informer<>(pods);
    this.marker = Executors.newScheduledThreadPool(2, r -> {
      Thread t = new Thread(r, "stand-in-kubelet");
      t.setDaemon(true);
      return t;
    });
    informer.addHandler(Informer.Handler.anyChange(this::consider));
  }

  public StandInKubelet start() {
    informer.start();
    return this;
  }

  /** Pods that match stay not ready (until {@link #releaseAll}); pods already ready are not touched. */
  public void hold(Predicate<Pod> which) {
    held = which;
  }

  /** Holds nothing any more: every pod not yet ready becomes so. */
  public void releaseAll() {
    held = pod -> false;
    informer.list().forEach(this::consider);
  }

  private void consider(Pod pod) {
    if (isReady(pod) || pod.getMetadata().hasDeletionTimestamp() || held.test(pod)) {
      return;
    }
    String key = Informer.key(pod.getMetadata());
    if (waiting.add(key)) {
      marker.schedule(() -> markReady(key), delay.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  private void markReady(String key) {
    waiting.remove(key);
    int slash = key.indexOf('/');
    Pod pod = informer.get(key.substring(0, slash), key.substring(slash + 1)).orElse(null);
    if (pod == null || isReady(pod) || pod.getMetadata().hasDeletionTimestamp() || held.test(pod)) {
      return;
    }
    var now = Timestamps.fromMillis(System.currentTimeMillis());
    PodStatus.Builder status = pod.getStatus().toBuilder().setPhase("Running").setStartTime(now)
        .clearConditions().clearContainerStatuses()
        .addConditions(Condition.newBuilder().setType("Ready").setStatus("True").setLastTransitionTime(now));
    for (Container c : pod.getSpec().getContainersList()) {
      status.addContainerStatuses(ContainerStatus.newBuilder().setName(c.getName()).setImage(c.getImage())
          .setReady(true).setState(ContainerState.newBuilder().setRunning(
              ContainerStateRunning.newBuilder().setStartedAt(now))));
    }
    try {
      pods.updateStatus(pod.toBuilder().setStatus(status).build());
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.ABORTED) {
        consider(pod);  // changed meanwhile: try again with what the informer has by then
      } else if (e.getStatus().getCode() != Status.Code.NOT_FOUND) {
        log.warn("stand-in kubelet cannot mark {} ready: {}", key, e.getStatus());
      }
    }
  }

  private static boolean isReady(Pod pod) {
    return pod.getStatus().getPhase().equals("Running") && pod.getStatus().getConditionsList().stream()
        .anyMatch(c -> c.getType().equals("Ready") && c.getStatus().equals("True"));
  }

  @Override
  public void close() {
    marker.shutdownNow();
    informer.close();
  }
}
