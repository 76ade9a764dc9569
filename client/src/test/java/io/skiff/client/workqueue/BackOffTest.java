package io.skiff.client.workqueue;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** The kubelet's crash-loop back-off: at once, then initial, doubling to the cap; forgotten after twice the cap. */
class BackOffTest {
  private Instant now = Instant.parse("2024-01-01T00:00:00Z");
  private final Clock clock = new Clock() {
    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  };

  @Test
  void doublesUpToTheCapAndStartsOverWhenLeftAlone() {
    BackOff backOff = new BackOff(Duration.ofSeconds(10), Duration.ofSeconds(40), clock);
    assertEquals(Duration.ZERO, backOff.remaining("c", now), "the first restart goes at once");
    backOff.next("c");
    assertEquals(Duration.ofSeconds(10), backOff.remaining("c", now));
    backOff.next("c");
    backOff.next("c");
    backOff.next("c");
    assertEquals(Duration.ofSeconds(40), backOff.current("c"), "capped");
    now = now.plusSeconds(15);
    assertEquals(Duration.ofSeconds(25), backOff.remaining("c", now.minusSeconds(15)));
    now = now.plusSeconds(81);
    assertEquals(Duration.ZERO, backOff.current("c"), "forgotten after twice the cap without a restart");
  }
}
