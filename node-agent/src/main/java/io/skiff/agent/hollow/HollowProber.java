package io.skiff.agent.hollow;

import com.google.inject.Inject;
import io.skiff.agent.probes.NetworkProber;
import io.skiff.agent.probes.ProbeResult;
import io.skiff.agent.probes.ProbeTarget;
import io.skiff.agent.probes.Prober;
import io.skiff.api.v1.Probe;

/**
 * The probes of a hollow node: exec runs in the container as on a real node (the in-memory
 * container's script answers), while httpGet and tcpSocket succeed without a call — a hollow pod's
 * address is made up, nothing listens there, and nothing may be sent to it. Thread-safe.
 */
final class HollowProber implements Prober {
  private final NetworkProber real;

  @Inject
  HollowProber(NetworkProber real) {
    this.real = real;
  }

  @Override
  public ProbeResult probe(Probe probe, ProbeTarget target) {
    return probe.hasHttpGet() || probe.hasTcpSocket() ? ProbeResult.success() : real.probe(probe, target);
  }
}
