package io.skiff.controlplane.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The ring of recent events: absolute positions, eviction, wrap-around, search by revision. */
class EventRingTest {
  private static CacheEvent<String> event(long revision) {
    return new CacheEvent<>(CacheEvent.MODIFIED, "o" + revision, "p" + revision, revision);
  }

  @Test
  void anEmptyRingHoldsNothingAndEveryRevisionIsAfterItsEnd() {
    EventRing<String> ring = new EventRing<>(4);
    assertEquals(0, ring.start());
    assertEquals(0, ring.end());
    assertEquals(0, ring.firstAfter(0));
    assertEquals(0, ring.firstAfter(100));
    assertThrows(IndexOutOfBoundsException.class, () -> ring.get(0));
  }

  @Test
  void appendsAreAddressedByAbsolutePositionUntilFull() {
    EventRing<String> ring = new EventRing<>(4);
    for (long r = 1; r <= 4; r++) {
      assertNull(ring.append(event(r)), "nothing is evicted before the ring is full");
    }
    assertEquals(0, ring.start());
    assertEquals(4, ring.end());
    for (int p = 0; p < 4; p++) {
      assertEquals(p + 1, ring.get(p).revision());
    }
  }

  @Test
  void aFullRingEvictsTheOldestEventAndReturnsIt() {
    EventRing<String> ring = new EventRing<>(3);
    List<CacheEvent<String>> appended = new ArrayList<>();
    for (long r = 10; r < 13; r++) {
      CacheEvent<String> e = event(r);
      appended.add(e);
      ring.append(e);
    }
    assertSame(appended.get(0), ring.append(event(13)));
    assertSame(appended.get(1), ring.append(event(14)));
    assertEquals(2, ring.start());
    assertEquals(5, ring.end());
    assertThrows(IndexOutOfBoundsException.class, () -> ring.get(1), "evicted positions are gone");
    assertThrows(IndexOutOfBoundsException.class, () -> ring.get(5), "the end is not yet written");
    assertEquals(12, ring.get(2).revision());
    assertEquals(14, ring.get(4).revision());
  }

  @Test
  void positionsStayValidWhileTheRingTurnsManyTimes() {
    int capacity = 7;
    EventRing<String> ring = new EventRing<>(capacity);
    for (long r = 1; r <= 1000; r++) {
      CacheEvent<String> evicted = ring.append(event(r * 2));
      if (r > capacity) {
        assertEquals((r - capacity) * 2, evicted.revision(), "evicts in append order");
      }
      assertEquals(Math.max(0, r - capacity), ring.start());
      assertEquals(r, ring.end());
      // every held position maps to the event appended at it, across wrap-arounds
      for (long p = ring.start(); p < ring.end(); p++) {
        assertEquals((p + 1) * 2, ring.get(p).revision());
      }
    }
  }

  @Test
  void firstAfterFindsThePositionOfTheFirstLaterRevision() {
    EventRing<String> ring = new EventRing<>(5);
    // revisions 10, 20, ..., 80: positions 0..7, of which 3..7 are held (40..80)
    for (long r = 10; r <= 80; r += 10) {
      ring.append(event(r));
    }
    assertEquals(3, ring.start());
    assertEquals(3, ring.firstAfter(0), "older than everything held: the start");
    assertEquals(3, ring.firstAfter(39));
    assertEquals(4, ring.firstAfter(40), "an exact revision: the one after it");
    assertEquals(4, ring.firstAfter(41));
    assertEquals(7, ring.firstAfter(79));
    assertEquals(8, ring.firstAfter(80), "the newest revision: the end");
    assertEquals(8, ring.firstAfter(1000));
  }

  @Test
  void firstAfterSkipsEveryEventOfARevisionThatHoldsSeveral() {
    EventRing<String> ring = new EventRing<>(8);
    long[] revisions = {5, 6, 6, 6, 7, 9};
    for (long r : revisions) {
      ring.append(event(r));
    }
    assertEquals(0, ring.firstAfter(4));
    assertEquals(1, ring.firstAfter(5));
    assertEquals(4, ring.firstAfter(6));
    assertEquals(5, ring.firstAfter(7));
    assertEquals(5, ring.firstAfter(8));
    assertEquals(6, ring.firstAfter(9));
  }

  @Test
  void clearDropsEverythingButKeepsPositionsGrowing() {
    EventRing<String> ring = new EventRing<>(3);
    for (long r = 1; r <= 5; r++) {
      ring.append(event(r));
    }
    ring.clear();
    assertEquals(5, ring.start());
    assertEquals(5, ring.end());
    assertEquals(5, ring.firstAfter(0));
    assertThrows(IndexOutOfBoundsException.class, () -> ring.get(4));
    assertNull(ring.append(event(6)), "a cleared ring has room again");
    assertEquals(6, ring.get(5).revision());
    assertEquals(5, ring.firstAfter(5));
  }
}
