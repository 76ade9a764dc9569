package io.skiff.agent.probes;

import io.skiff.api.v1.Probe;

/** Runs one probe of one container once. Thread-safe; a call may block up to the probe's timeout. */
public interface Prober {
  ProbeResult probe(Probe probe, ProbeTarget target);
}
