package io.skiff.agent.probes;

import io.skiff.api.v1.Probe;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one probe of one container instance every period: counts consecutive results and changes
 * the published verdict only past the probe's success or failure threshold. Liveness and readiness
 * wait until the startup probe (if any) has succeeded. Runs on the probe executor, one run at a
 * time; {@code onChange} hears the container's pod uid when a verdict changed.
 */
final class ProbeWorker implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(ProbeWorker.class);

  private final ProbeType type;
  private final Probe probe;
  private final ProbeTarget target;
  private final ContainerProbes results;
  private final Prober prober;
  private final Consumer<String> onChange;
  private final String description;
  /** Worker thread only. */
  private Boolean last;
  private int streak;

  ProbeWorker(ProbeType type, Probe probe, ProbeTarget target, ContainerProbes results, Prober prober,
      Consumer<String> onChange, String description) {
    this.type = type;
    this.probe = probe;
    this.target = target;
    this.results = results;
    this.prober = prober;
    this.onChange = onChange;
    this.description = description;
  }

  @Override
  public void run() {
    if (results.failed || (type == ProbeType.STARTUP) == results.started) {
      // a failed container is about to be killed; a startup probe is done once started, and the others wait for it
      return;
    }
    boolean ok;
    try {
      ok = prober.probe(probe, target);
    } catch (RuntimeException e) {
      log.warn("{} probe of {} could not run", type, description, e);
      ok = false;
    }
    streak = Boolean.valueOf(ok).equals(last) ? streak + 1 : 1;
    last = ok;
    int threshold = ok ? Math.max(1, probe.getSuccessThreshold()) : Math.max(1, probe.getFailureThreshold());
    if (streak >= threshold) {
      publish(ok);
    }
  }

  private void publish(boolean ok) {
    boolean changed = switch (type) {
      case READINESS -> {
        boolean was = results.ready;
        results.ready = ok;
        yield was != ok;
      }
      case STARTUP -> {
        if (ok) {
          results.started = true;
        } else {
          fail();
        }
        yield true;
      }
      case LIVENESS -> {
        if (!ok) {
          fail();
        }
        yield !ok;
      }
    };
    if (changed) {
      log.info("{} probe of {} {}", type.name().toLowerCase(java.util.Locale.ROOT), description,
          ok ? "succeeded" : "failed " + streak + " times in a row");
      onChange.accept(results.podUid);
    }
  }

  private void fail() {
    results.failure = "Container " + description + " failed " + type.name().toLowerCase(java.util.Locale.ROOT)
        + " probe, will be restarted";
    results.failed = true;
  }
}
