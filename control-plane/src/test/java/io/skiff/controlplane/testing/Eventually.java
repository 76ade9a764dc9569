package io.skiff.controlplane.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.awaitility.Awaitility;

/** Waits, polling, for what a test expects the cluster to reach; fails naming it after 30 s. */
public final class Eventually {
  private static final Duration PATIENCE = Duration.ofSeconds(30);

  private Eventually() {
  }

  public static void await(BooleanSupplier condition, String what) {
    Awaitility.await(what).atMost(PATIENCE).pollInterval(Duration.ofMillis(20)).until(condition::getAsBoolean);
  }
}
