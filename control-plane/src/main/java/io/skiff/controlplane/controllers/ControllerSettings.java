package io.skiff.controlplane.controllers;

import java.time.Duration;

/**
 * The knobs of the scheduler and controllers.
 *
 * @param nodeMonitorGracePeriod how long a node's Lease may go unrenewed before the node is Ready=Unknown (Kubernetes: 40 s)
 * @param podEvictionTimeout how long pods stay on a not-ready node before they are evicted (Kubernetes: 5 min)
 * @param workers reconcile workers per controller
 * @param requestTimeout deadline of each call to the masters
 */
public record ControllerSettings(
    Duration nodeMonitorGracePeriod,
    Duration podEvictionTimeout,
    int workers,
    Duration requestTimeout) {

  public static ControllerSettings defaults() {
    return new ControllerSettings(Duration.ofSeconds(40), Duration.ofMinutes(5), 4, Duration.ofSeconds(10));
  }

  public ControllerSettings withNodeTimeouts(Duration grace, Duration eviction) {
    return new ControllerSettings(grace, eviction, workers, requestTimeout);
  }
}
