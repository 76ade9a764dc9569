package io.skiff.store.server;

/** Process-wide JVM settings a store server needs; call first thing in {@code main}. */
public final class JvmSettings {
  private static final String COMMON_POOL_PARALLELISM = "java.util.concurrent.ForkJoinPool.common.parallelism";

  private JvmSettings() {
  }

  /**
   * On a machine with fewer than three cores the common pool's parallelism is 1,
   * and then every {@code CompletableFuture.*Async} call without an executor —
   * Ratis makes several per write — starts a new thread. Measured here on 2 cores:
   * thousands of threads per second and single-client write latency several
   * times higher. A parallelism of at least 2 makes them use the common pool.
   */
  public static void apply() {
    if (System.getProperty(COMMON_POOL_PARALLELISM) == null) {
      int cores = Runtime.getRuntime().availableProcessors();
      System.setProperty(COMMON_POOL_PARALLELISM, Integer.toString(Math.max(2, cores - 1)));
    }
  }
}
