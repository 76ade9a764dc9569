package io.skiff.agent.runtime;

import java.time.Duration;
import java.util.List;
import java.util.function.Function;

/**
 * How a container of the {@link InMemoryRuntime} behaves once started: what it prints, whether and
 * when it exits on its own (or is OOM-killed), how it takes SIGTERM, and what commands run in it
 * return. Immutable; the {@code with...} methods return changed copies.
 *
 * @param output lines written to stdout as it starts
 * @param exitAfter when it exits on its own after starting; null to run until stopped
 * @param exitCode its exit code when it exits on its own
 * @param oomKilled its own exit is the kernel's OOM killer (exit code 137)
 * @param sigtermDelay how long it takes to exit on SIGTERM (code 143); null when it ignores SIGTERM,
 *     as busybox's sleep as PID 1 does, and is killed when the grace period ends (code 137)
 * @param exec answers commands run in it (exec probes)
 */
public record ContainerScript(
    List<String> output,
    Duration exitAfter,
    int exitCode,
    boolean oomKilled,
    Duration sigtermDelay,
    Function<List<String>, ExecResult> exec) {

  public static final int SIGKILL_EXIT_CODE = 137;
  public static final int SIGTERM_EXIT_CODE = 143;

  public ContainerScript {
    output = List.copyOf(output);
  }

  /** Runs until stopped, leaves at once on SIGTERM, and every command in it succeeds. */
  public static ContainerScript runs() {
    return new ContainerScript(List.of(), null, 0, false, Duration.ZERO, command -> new ExecResult(0, ""));
  }

  public ContainerScript printing(String... lines) {
    return new ContainerScript(List.of(lines), exitAfter, exitCode, oomKilled, sigtermDelay, exec);
  }

  public ContainerScript exitingAfter(Duration after, int code) {
    return new ContainerScript(output, after, code, false, sigtermDelay, exec);
  }

  public ContainerScript oomKilledAfter(Duration after) {
    return new ContainerScript(output, after, SIGKILL_EXIT_CODE, true, sigtermDelay, exec);
  }

  public ContainerScript ignoringSigterm() {
    return new ContainerScript(output, exitAfter, exitCode, oomKilled, null, exec);
  }

  public ContainerScript leavingAfterSigterm(Duration delay) {
    return new ContainerScript(output, exitAfter, exitCode, oomKilled, delay, exec);
  }

  public ContainerScript onExec(Function<List<String>, ExecResult> answer) {
    return new ContainerScript(output, exitAfter, exitCode, oomKilled, sigtermDelay, answer);
  }
}
