package io.skiff.agent.probes;

/** The three probes of a container, as the kubelet runs them. */
public enum ProbeType {
  /** Failing: the container is killed and restarted per its pod's restartPolicy. */
  LIVENESS,
  /** Failing: the container is not ready, and so neither is its pod. */
  READINESS,
  /** Until it succeeds the other two do not run; failing: killed, as for liveness. */
  STARTUP
}
