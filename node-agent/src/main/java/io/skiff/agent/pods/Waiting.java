package io.skiff.agent.pods;

import java.time.Duration;

/**
 * Why a container is not running yet, as its status says (ContainerCreating, CrashLoopBackOff,
 * ErrImagePull, ImagePullBackOff, ...), and when the agent will try again (null: on the next event).
 */
record Waiting(String reason, String message, Duration retryIn) {
  static Waiting of(String reason, String message) {
    return new Waiting(reason, message, null);
  }
}
