package io.skiff.agent.events;

import com.google.inject.Inject;
import com.google.inject.Singleton;
import io.skiff.agent.runtime.ContainerStatus;
import io.skiff.agent.runtime.RuntimeLabels;
import io.skiff.api.v1.ObjectMeta;
import io.skiff.api.v1.ObjectReference;
import io.skiff.api.v1.Pod;
import io.skiff.client.ResourceTypes;
import io.skiff.client.events.EventRecorder;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Events the agent records about the containers of its pods, as the kubelet's: each names the
 * pod with the container in its fieldPath ({@code spec.containers{app}}), so that a pod's Events
 * read as on Kubernetes. Callers record transitions — a pull, a start, a kill, a probe verdict —
 * never every sync; a state that every sync finds again (a back-off, an image that may not be
 * pulled) goes through {@link #warningOnce}. Thread-safe.
 */
@Singleton
public final class PodEvents {
  private final EventRecorder recorder;
  /** The last {@link #warningOnce} warning about each container ("uid/name"), until it starts again. */
  private final Map<String, String> lastWarning = new ConcurrentHashMap<>();

  @Inject
  public PodEvents(EventRecorder recorder) {
    this.recorder = recorder;
  }

  public void normal(Pod pod, String container, String reason, String message) {
    recorder.normal(reference(pod.getMetadata(), container), reason, message);
  }

  public void warning(Pod pod, String container, String reason, String message) {
    recorder.warning(reference(pod.getMetadata(), container), reason, message);
  }

  /** A warning about a state that syncs find again and again: recorded once, again only after the container started. */
  public void warningOnce(Pod pod, String container, String reason, String message) {
    String said = reason + "\n" + message;
    if (!said.equals(lastWarning.put(key(pod.getMetadata().getUid(), container), said))) {
      warning(pod, container, reason, message);
    }
  }

  /** Started: the container's state is new, so its next warning is news. */
  public void started(Pod pod, String container) {
    lastWarning.remove(key(pod.getMetadata().getUid(), container));
    normal(pod, container, "Started", "Started container " + container);
  }

  /** Killing "Stopping container X", about an engine's container: its labels name the pod, which may be gone. */
  public void stopping(ContainerStatus instance) {
    Map<String, String> labels = instance.labels();
    ObjectMeta pod = ObjectMeta.newBuilder().setNamespace(labels.getOrDefault(RuntimeLabels.POD_NAMESPACE, ""))
        .setName(labels.getOrDefault(RuntimeLabels.POD_NAME, "")).setUid(labels.getOrDefault(RuntimeLabels.POD_UID, ""))
        .build();
    String container = labels.getOrDefault(RuntimeLabels.CONTAINER_NAME, "");
    recorder.normal(reference(pod, container), "Killing", "Stopping container " + container);
  }

  /** Drops what is remembered of a pod that is gone. */
  public void forget(String uid) {
    lastWarning.keySet().removeIf(k -> k.startsWith(uid + "/"));
  }

  private static ObjectReference reference(ObjectMeta pod, String container) {
    return EventRecorder.reference(ResourceTypes.PODS.apiVersion(), ResourceTypes.PODS.kind(), pod).toBuilder()
        .setFieldPath("spec.containers{" + container + "}").build();
  }

  private static String key(String uid, String container) {
    return uid + "/" + container;
  }
}
