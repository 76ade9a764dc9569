package io.skiff.controlplane.controllers.workload;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/** Calls to the masters made in parallel, so a hundred of them do not take a hundred round trips. */
final class ParallelCalls {
  /** How many calls succeeded, and the first failure (null if none). */
  record Outcome(int successes, RuntimeException failure) {
  }

  private ParallelCalls() {
  }

  /**
   * {@code count} calls of {@code call} in batches of 1, 2, 4, ... (Kubernetes'
   * slowStartBatch): a call that fails every time (a quota, a bad template)
   * fails a few times rather than {@code count} times, because a batch with a
   * failure is the last.
   */
  static Outcome slowStart(ExecutorService executor, int count, Runnable call) throws InterruptedException {
    int successes = 0;
    int remaining = count;
    for (int batch = Math.min(remaining, 1); batch > 0; batch = Math.min(2 * batch, remaining)) {
      List<Runnable> calls = new ArrayList<>(batch);
      for (int i = 0; i < batch; i++) {
        calls.add(call);
      }
      Outcome outcome = all(executor, calls);
      successes += outcome.successes();
      if (outcome.failure() != null) {
        return new Outcome(successes, outcome.failure());
      }
      remaining -= batch;
    }
    return new Outcome(successes, null);
  }

  /** Every call at once; returns when all have ended. */
  static Outcome all(ExecutorService executor, List<Runnable> calls) throws InterruptedException {
    List<Future<?>> started = new ArrayList<>(calls.size());
    for (Runnable call : calls) {
      started.add(executor.submit(call));
    }
    int successes = 0;
    RuntimeException failure = null;
    for (Future<?> f : started) {
      try {
        f.get();
        successes++;
      } catch (ExecutionException e) {
        if (failure == null) {
          failure = e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
      }
    }
    return new Outcome(successes, failure);
  }
}
