package io.skiff.controlplane.election;

import java.time.Duration;

/**
 * How a leader is chosen, after client-go's leaderelection: candidates take a
 * lease that nobody has renewed for {@code leaseDuration} (as they observed
 * it, on their own monotonic clock, so clocks need not agree); the leader
 * renews every {@code retryPeriod} and gives up leading when it has not renewed
 * for {@code renewDeadline}, which is shorter than the lease, so it stops
 * before anyone else may start. Fencing makes even a leader that did not notice safe.
 *
 * @param namespace where the lease lives
 * @param name the lease's name
 */
public record ElectionSettings(String namespace, String name, Duration leaseDuration, Duration renewDeadline,
    Duration retryPeriod) {

  public ElectionSettings {
    if (renewDeadline.compareTo(leaseDuration) >= 0) {
      throw new IllegalArgumentException("renew deadline " + renewDeadline + " must be shorter than the lease duration "
          + leaseDuration);
    }
    if (retryPeriod.compareTo(renewDeadline) >= 0) {
      throw new IllegalArgumentException("retry period " + retryPeriod + " must be shorter than the renew deadline "
          + renewDeadline);
    }
  }

  /** Takeover within about 3.5 s of a leader's death (the issue asks for 5 s; Kubernetes takes up to 15 s). */
  public static ElectionSettings defaults() {
    return new ElectionSettings("skiff-system", "skiff-controller-manager", Duration.ofSeconds(3),
        Duration.ofSeconds(2), Duration.ofMillis(500));
  }

  public ElectionSettings withLeaseDuration(Duration lease) {
    Duration renew = lease.multipliedBy(2).dividedBy(3);
    return new ElectionSettings(namespace, name, lease, renew, renew.dividedBy(4));
  }
}
