package io.skiff.agent.probes;

import io.skiff.api.v1.Probe;
import java.util.Locale;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one probe of one container instance every period: counts consecutive results and changes
 * the published verdict only past the probe's success or failure threshold. Liveness and readiness
 * wait until the startup probe (if any) has succeeded. Runs on the probe executor, one run at a
 * time; its {@link Subject} hears of verdict changes and of failures.
 */
final class ProbeWorker implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(ProbeWorker.class);

  private final ProbeType type;
  private final Probe probe;
  private final ProbeTarget target;
  private final ContainerProbes results;
  private final Prober prober;
  private final Subject subject;
  /** Worker thread only. */
  private Boolean last;
  private int streak;

  ProbeWorker(ProbeType type, Probe probe, ProbeTarget target, ContainerProbes results, Prober prober,
      Subject subject) {
    this.type = type;
    this.probe = probe;
    this.target = target;
    this.results = results;
    this.prober = prober;
    this.subject = subject;
  }

  /**
   * The container a worker probes, as it tells of it.
   *
   * @param description the container and its pod, for the log
   * @param onChange hears the pod's uid when a verdict changed
   * @param onUnhealthy hears why the probe failed, once for each run of failures that reaches the
   *     threshold (the kubelet's Unhealthy event, not one a period while the failures go on)
   */
  record Subject(String description, Consumer<String> onChange, Consumer<String> onUnhealthy) {
  }

  @Override
  public void run() {
    if (results.failed || (type == ProbeType.STARTUP) == results.started) {
      // a failed container is about to be killed; a startup probe is done once started, and the others wait for it
      return;
    }
    ProbeResult result;
    try {
      result = prober.probe(probe, target);
    } catch (RuntimeException e) {
      log.warn("{} probe of {} could not run", type, subject.description(), e);
      result = ProbeResult.failure("the probe could not run: " + e.getMessage());
    }
    boolean ok = result.succeeded();
    streak = Boolean.valueOf(ok).equals(last) ? streak + 1 : 1;
    last = ok;
    int threshold = ok ? Math.max(1, probe.getSuccessThreshold()) : Math.max(1, probe.getFailureThreshold());
    if (!ok && streak == threshold) {
      subject.onUnhealthy().accept(name(true) + " probe failed: " + result.output());
    }
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
      log.info("{} probe of {} {}", name(false), subject.description(),
          ok ? "succeeded" : "failed " + streak + " times in a row");
      subject.onChange().accept(results.podUid);
    }
  }

  private void fail() {
    results.failure = "Container " + results.containerName + " failed " + name(false) + " probe, will be restarted";
    results.failed = true;
  }

  /** "liveness", or "Liveness" to begin a sentence. */
  private String name(boolean capital) {
    String name = type.name().toLowerCase(Locale.ROOT);
    return capital ? Character.toUpperCase(name.charAt(0)) + name.substring(1) : name;
  }
}
