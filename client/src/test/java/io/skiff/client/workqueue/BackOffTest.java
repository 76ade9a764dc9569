package io.skiff.client.workqueue;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.skiff.client.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The kubelet's crash-loop back-off: at once, then initial, doubling to the cap; forgotten after twice the cap. */
class BackOffTest {
  private final ManualClock clock = new ManualClock(Instant.parse("2024-01-01T00:00:00Z"));

  @Test
  void doublesUpToTheCapAndStartsOverWhenLeftAlone() {
    BackOff backOff = new BackOff(Duration.ofSeconds(10), Duration.ofSeconds(40), clock);
    assertEquals(Duration.ZERO, backOff.remaining("c", clock.instant()), "the first restart goes at once");
    backOff.next("c");
    assertEquals(Duration.ofSeconds(10), backOff.remaining("c", clock.instant()));
    backOff.next("c");
    backOff.next("c");
    backOff.next("c");
    assertEquals(Duration.ofSeconds(40), backOff.current("c"), "capped");
    clock.advance(Duration.ofSeconds(15));
    assertEquals(Duration.ofSeconds(25), backOff.remaining("c", clock.instant().minusSeconds(15)));
    clock.advance(Duration.ofSeconds(81));
    assertEquals(Duration.ZERO, backOff.current("c"), "forgotten after twice the cap without a restart");
  }
}
