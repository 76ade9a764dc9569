package io.skiff.agent;

import static org.awaitility.Awaitility.await;

import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.skiff.agent.runtime.ContainerStatus;
import io.skiff.agent.runtime.InMemoryRuntime;
import io.skiff.agent.runtime.RuntimeLabels;
import io.skiff.api.v1.Container;
import io.skiff.api.v1.ContainerStateWaiting;
import io.skiff.api.v1.Event;
import io.skiff.api.v1.ListRequest;
import io.skiff.api.v1.ObjectMeta;
import io.skiff.api.v1.Pod;
import io.skiff.api.v1.PodSpec;
import io.skiff.api.v1.WatchRequest;
import io.skiff.client.ResourceClient;
import io.skiff.client.ResourceTypes;
import io.skiff.client.ResumingWatch;
import io.skiff.client.WatchListener;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/** What the agent tests share: pods bound to a node, waiting on their status, their history and their Events. */
public final class PodTesting {
  public static final Duration PATIENCE = Duration.ofSeconds(20);
  private static final AtomicInteger SEQUENCE = new AtomicInteger();

  private PodTesting() {
  }

  public static String unique(String prefix) {
    return prefix + "-" + SEQUENCE.incrementAndGet();
  }

  public static ResourceClient<Pod> pods(Channel channel) {
    return new ResourceClient<>(channel, ResourceTypes.PODS, 10_000);
  }

  public static ResourceClient<Event> events(Channel channel) {
    return new ResourceClient<>(channel, ResourceTypes.EVENTS, 10_000);
  }

  /** The Events about the object with this uid, in the order they were last written (a repeat is written again). */
  public static List<Event> eventsAbout(ResourceClient<Event> events, String uid) {
    return events.list(ListRequest.newBuilder().setNamespace("default").setFieldSelector("involvedObject.uid=" + uid)
        .build()).items().stream().sorted(Comparator.comparingLong(e -> e.getMetadata().getResourceVersion())).toList();
  }

  public static Container.Builder container(String name, String image) {
    return Container.newBuilder().setName(name).setImage(image).setImagePullPolicy("IfNotPresent");
  }

  /** A pod in "default" bound to {@code node} (as a scheduler would bind it), with a 1 s grace period. */
  public static Pod.Builder pod(String name, String node, String restartPolicy, Container.Builder... containers) {
    PodSpec.Builder spec = PodSpec.newBuilder().setNodeName(node).setRestartPolicy(restartPolicy)
        .setTerminationGracePeriodSeconds(1);
    for (Container.Builder c : containers) {
      spec.addContainers(c);
    }
    return Pod.newBuilder().setMetadata(ObjectMeta.newBuilder().setNamespace("default").setName(name)).setSpec(spec);
  }

  public static Pod get(ResourceClient<Pod> pods, String name) {
    return pods.get("default", name);
  }

  public static Optional<Pod> find(ResourceClient<Pod> pods, String name) {
    try {
      return Optional.of(pods.get("default", name));
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /** Waits until the pod satisfies {@code condition}; returns it. */
  public static Pod awaitPod(ResourceClient<Pod> pods, String name, Predicate<Pod> condition) {
    return await().atMost(PATIENCE).pollInterval(Duration.ofMillis(50)).ignoreException(StatusRuntimeException.class)
        .until(() -> get(pods, name), condition);
  }

  public static boolean phase(Pod pod, String phase) {
    return pod.getStatus().getPhase().equals(phase);
  }

  public static boolean condition(Pod pod, String type, String status) {
    return pod.getStatus().getConditionsList().stream().anyMatch(c -> c.getType().equals(type)
        && c.getStatus().equals(status));
  }

  /** The waiting reason of the pod's first container, or "". */
  public static String waitingReason(Pod pod) {
    if (pod.getStatus().getContainerStatusesCount() == 0) {
      return "";
    }
    ContainerStateWaiting waiting = pod.getStatus().getContainerStatuses(0).getState().getWaiting();
    return waiting.getReason();
  }

  /** The engine's containers of one pod's container, by pod name. */
  public static List<ContainerStatus> containersOf(InMemoryRuntime runtime, String podName) {
    return runtime.listContainers().stream().filter(c -> podName.equals(c.labels().get(RuntimeLabels.POD_NAME)))
        .toList();
  }

  /** Every status a pod went through, as a watch saw it, from creation on. */
  public static final class History implements AutoCloseable {
    public final List<Pod> seen = new CopyOnWriteArrayList<>();
    private final ResumingWatch<Pod> watch;

    /** Starts watching from the store's revision now: create the pod after this returns. */
    public History(ResourceClient<Pod> pods, String name) {
      String selector = "metadata.name=" + name;
      long revision = pods.list(ListRequest.newBuilder().setNamespace("default").setFieldSelector(selector).build())
          .meta().getResourceVersion();
      watch = new ResumingWatch<>(pods, WatchRequest.newBuilder().setNamespace("default")
          .setFieldSelector(selector).setResourceVersion(revision).build(), new WatchListener<>() {
            @Override
            public void onEvent(String type, Pod pod) {
              if (!type.equals("BOOKMARK")) {
                seen.add(pod);
              }
            }

            @Override
            public void onEnd(Status status) {
            }
          });
    }

    public boolean any(Predicate<Pod> condition) {
      return seen.stream().anyMatch(condition);
    }

    @Override
    public void close() {
      watch.close();
    }
  }
}
