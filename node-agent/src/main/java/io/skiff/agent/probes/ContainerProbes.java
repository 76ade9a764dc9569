package io.skiff.agent.probes;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;

/**
 * The probe results of one container instance (a restart makes a new instance with fresh
 * results). Initial results are the kubelet's: live, not ready, not started. Fields are written by
 * that instance's probe workers and read by the pod's sync.
 */
final class ContainerProbes {
  final String podUid;
  final String containerId;
  final String containerName;
  /** True when it has no startup probe, or the probe has succeeded. */
  volatile boolean started;
  /** True when it has no readiness probe, or the probe's last verdict was success. */
  volatile boolean ready;
  /** The liveness or startup probe failed its threshold: the container must be restarted. */
  volatile boolean failed;
  volatile String failure = "";
  final List<ScheduledFuture<?>> workers = new ArrayList<>();

  ContainerProbes(String podUid, String containerId, String containerName, boolean started, boolean ready) {
    this.podUid = podUid;
    this.containerId = containerId;
    this.containerName = containerName;
    this.started = started;
    this.ready = ready;
  }

  synchronized void cancel() {
    workers.forEach(w -> w.cancel(false));
    workers.clear();
  }
}
