package io.skiff.agent.pods;

import io.skiff.agent.events.PodEvents;
import io.skiff.agent.runtime.ContainerRuntime;
import io.skiff.agent.runtime.RuntimeError;
import io.skiff.api.v1.Container;
import io.skiff.api.v1.Pod;
import io.skiff.client.workqueue.BackOff;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes a container's image present as its imagePullPolicy says — Always pulls, IfNotPresent pulls
 * when missing, Never only checks — and backs off failing pulls per pod and image as the kubelet
 * does: a failed pull is ErrImagePull, and until its back-off has passed the container waits in
 * ImagePullBackOff. Each pull is told in Events (Pulling, then Pulled, or Failed and BackOff), as is
 * an image found present; an image that may not be pulled is told once. Thread-safe.
 */
final class ImagePuller {
  private static final Logger log = LoggerFactory.getLogger(ImagePuller.class);

  private final ContainerRuntime runtime;
  private final BackOff backOff;
  private final PodEvents events;

  ImagePuller(ContainerRuntime runtime, BackOff backOff, PodEvents events) {
    this.runtime = runtime;
    this.backOff = backOff;
    this.events = events;
  }

  /** Null when the image is there; otherwise why the container must wait. */
  Waiting ensure(Pod pod, Container container) {
    String image = container.getImage();
    String policy = container.getImagePullPolicy().isEmpty() ? "IfNotPresent" : container.getImagePullPolicy();
    if (!policy.equals("Always") && runtime.imageExists(image)) {
      events.normal(pod, container.getName(), "Pulled", "Container image \"" + image + "\" already present on machine");
      return null;
    }
    if (policy.equals("Never")) {
      String message = "Container image \"" + image + "\" is not present with pull policy of Never";
      events.warningOnce(pod, container.getName(), "ErrImageNeverPull", message);
      return Waiting.of("ErrImageNeverPull", message);
    }
    String key = pod.getMetadata().getUid() + "/" + image;
    Duration wait = backOff.remainingSinceUpdate(key);
    if (!wait.isZero()) {
      return new Waiting("ImagePullBackOff", backingOff(image), wait);
    }
    events.normal(pod, container.getName(), "Pulling", "Pulling image \"" + image + "\"");
    long start = System.nanoTime();
    try {
      runtime.pullImage(image);
      backOff.reset(key);
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      events.normal(pod, container.getName(), "Pulled", "Successfully pulled image \"" + image + "\" in "
          + GoDurations.format(took));
      log.info("pulled image {} for pod {}/{}", image, pod.getMetadata().getNamespace(), pod.getMetadata().getName());
      return null;
    } catch (RuntimeError e) {
      if (e.kind() != RuntimeError.Kind.IMAGE_PULL && e.kind() != RuntimeError.Kind.NOT_FOUND) {
        throw e;
      }
      backOff.next(key);
      log.warn("cannot pull image {} for pod {}/{}: {}", image, pod.getMetadata().getNamespace(),
          pod.getMetadata().getName(), e.getMessage());
      events.warning(pod, container.getName(), "Failed", "Failed to pull image \"" + image + "\": " + e.getMessage());
      events.warning(pod, container.getName(), "BackOff", backingOff(image));
      return new Waiting("ErrImagePull", e.getMessage(), backOff.remainingSinceUpdate(key));
    }
  }

  private static String backingOff(String image) {
    return "Back-off pulling image \"" + image + "\"";
  }

  void forget(String uid) {
    backOff.resetAll(uid + "/");
  }
}
