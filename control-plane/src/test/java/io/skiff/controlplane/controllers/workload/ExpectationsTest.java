package io.skiff.controlplane.controllers.workload;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skiff.client.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExpectationsTest {
  private final ManualClock clock = new ManualClock(Instant.parse("2024-01-01T00:00:00Z"));
  private final Expectations expectations = new Expectations(clock);

  @Test
  void anOwnerWithNothingPendingIsSatisfied() {
    assertTrue(expectations.satisfied("ns/rs"));
  }

  @Test
  void creationsAreCountedDown() {
    expectations.expectCreations("ns/rs", 2);
    expectations.creationObserved("ns/rs");
    assertFalse(expectations.satisfied("ns/rs"));
    expectations.creationObserved("ns/rs");
    assertTrue(expectations.satisfied("ns/rs"));
  }

  @Test
  void aDeletionSeenTwiceCountsOnce() {
    expectations.expectDeletions("ns/rs", List.of("ns/a", "ns/b"));
    expectations.deletionObserved("ns/rs", "ns/a");  // marked for deletion
    expectations.deletionObserved("ns/rs", "ns/a");  // then gone
    assertFalse(expectations.satisfied("ns/rs"));
    expectations.deletionObserved("ns/rs", "ns/b");
    assertTrue(expectations.satisfied("ns/rs"));
  }

  @Test
  void expectationsExpireSoALostEventCannotStallAnOwner() {
    expectations.expectCreations("ns/rs", 1);
    clock.advance(Expectations.TTL.minusSeconds(1));
    assertFalse(expectations.satisfied("ns/rs"));
    clock.advance(Duration.ofSeconds(2));
    assertTrue(expectations.satisfied("ns/rs"));
  }

  @Test
  void aForgottenOwnerIsSatisfied() {
    expectations.expectCreations("ns/rs", 3);
    expectations.forget("ns/rs");
    assertTrue(expectations.satisfied("ns/rs"));
  }
}
