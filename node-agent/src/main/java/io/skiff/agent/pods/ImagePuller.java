package io.skiff.agent.pods;

import io.skiff.client.workqueue.BackOff;
import io.skiff.agent.runtime.ContainerRuntime;
import io.skiff.agent.runtime.RuntimeError;
import io.skiff.api.v1.Container;
import io.skiff.api.v1.Pod;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes a container's image present as its imagePullPolicy says — Always pulls, IfNotPresent pulls
 * when missing, Never only checks — and backs off failing pulls per pod and image as the kubelet
 * does: a failed pull is ErrImagePull, and until its back-off has passed the container waits in
 * ImagePullBackOff. Thread-safe.
 */
final class ImagePuller {
  private static final Logger log = LoggerFactory.getLogger(ImagePuller.class);

  private final ContainerRuntime runtime;
  private final BackOff backOff;

  ImagePuller(ContainerRuntime runtime, BackOff backOff) {
    this.runtime = runtime;
    this.backOff = backOff;
  }

  /** Null when the image is there; otherwise why the container must wait. */
  Waiting ensure(Pod pod, Container container) {
    String image = container.getImage();
    String policy = container.getImagePullPolicy().isEmpty() ? "IfNotPresent" : container.getImagePullPolicy();
    if (!policy.equals("Always") && runtime.imageExists(image)) {
      return null;
    }
    if (policy.equals("Never")) {
      return Waiting.of("ErrImageNeverPull",
          "Container image \"" + image + "\" is not present with pull policy of Never");
    }
    String key = pod.getMetadata().getUid() + "/" + image;
    Duration wait = backOff.remainingSinceUpdate(key);
    if (!wait.isZero()) {
      return new Waiting("ImagePullBackOff", "Back-off pulling image \"" + image + "\"", wait);
    }
    try {
      runtime.pullImage(image);
      backOff.reset(key);
      log.info("pulled image {} for pod {}/{}", image, pod.getMetadata().getNamespace(), pod.getMetadata().getName());
      return null;
    } catch (RuntimeError e) {
      if (e.kind() != RuntimeError.Kind.IMAGE_PULL && e.kind() != RuntimeError.Kind.NOT_FOUND) {
        throw e;
      }
      backOff.next(key);
      log.warn("cannot pull image {} for pod {}/{}: {}", image, pod.getMetadata().getNamespace(),
          pod.getMetadata().getName(), e.getMessage());
      return new Waiting("ErrImagePull", e.getMessage(), backOff.remainingSinceUpdate(key));
    }
  }

  void forget(String uid) {
    backOff.resetAll(uid + "/");
  }
}
