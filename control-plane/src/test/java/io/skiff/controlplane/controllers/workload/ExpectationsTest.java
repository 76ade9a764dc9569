package io.skiff.controlplane.controllers.workload;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExpectationsTest {
  private Instant now = Instant.parse("2024-01-01T00:00:00Z");
  private final Expectations expectations = new Expectations(new Clock() {
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
  });

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
    now = now.plus(Expectations.TTL).minusSeconds(1);
    assertFalse(expectations.satisfied("ns/rs"));
    now = now.plus(Duration.ofSeconds(2));
    assertTrue(expectations.satisfied("ns/rs"));
  }

  @Test
  void aForgottenOwnerIsSatisfied() {
    expectations.expectCreations("ns/rs", 3);
    expectations.forget("ns/rs");
    assertTrue(expectations.satisfied("ns/rs"));
  }
}
