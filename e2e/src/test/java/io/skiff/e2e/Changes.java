package io.skiff.e2e;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.List;

/** Compares what a watcher heard with what the writer knows it wrote. */
final class Changes {
  private static final int CONTEXT = 4;

  private Changes() {
  }

  /**
   * Fails unless {@code seen} is {@code written} exactly: every change once, in the same order, at
   * the same resourceVersion (where the writer knows it), and the versions strictly increasing.
   */
  static void assertSameSequence(String watcher, List<Change> written, List<Change> seen) {
    int n = Math.min(written.size(), seen.size());
    for (int i = 0; i < n; i++) {
      if (!written.get(i).matches(seen.get(i))) {
        fail(watcher + " differs from the writer at change " + i + " of " + written.size() + ": wrote "
            + around(written, i) + ", heard " + around(seen, i));
      }
      if (i > 0 && seen.get(i).resourceVersion() <= seen.get(i - 1).resourceVersion()) {
        fail(watcher + " heard resourceVersions out of order at " + i + ": " + around(seen, i));
      }
    }
    if (written.size() != seen.size()) {
      fail(watcher + " heard " + seen.size() + " changes, the writer made " + written.size() + "; after the common "
          + n + ": wrote " + around(written, n) + ", heard " + around(seen, n));
    }
  }

  private static String around(List<Change> changes, int i) {
    return changes.subList(Math.max(0, i - CONTEXT), Math.min(changes.size(), i + CONTEXT)).toString();
  }
}
