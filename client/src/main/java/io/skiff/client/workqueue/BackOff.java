package io.skiff.client.workqueue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Exponential back-off per key, as the kubelet keeps it for crashing containers and failing image
 * pulls: the first retry may go at once; each {@link #next} then doubles the wait, from the initial
 * delay up to the maximum. A key untouched for twice the maximum starts over (a container that ran
 * well for long is not punished for an old crash loop). Thread-safe.
 */
public final class BackOff {
  private record Entry(Duration delay, Instant updated) {
  }

  private final Map<String, Entry> entries = new ConcurrentHashMap<>();
  private final Duration initial;
  private final Duration max;
  private final Clock clock;

  public BackOff(Duration initial, Duration max, Clock clock) {
    this.initial = initial;
    this.max = max;
    this.clock = clock;
  }

  /** How long a retry must still wait, counting the current delay from {@code since}; zero when it may go. */
  public Duration remaining(String key, Instant since) {
    Entry entry = live(key);
    if (entry == null) {
      return Duration.ZERO;
    }
    Duration left = Duration.between(clock.instant(), since.plus(entry.delay()));
    return left.isNegative() ? Duration.ZERO : left;
  }

  /** As {@link #remaining(String, Instant)}, counting from the last {@link #next}. */
  public Duration remainingSinceUpdate(String key) {
    Entry entry = live(key);
    return entry == null ? Duration.ZERO : remaining(key, entry.updated());
  }

  /** The delay the next retry waits; zero when there is none. */
  public Duration current(String key) {
    Entry entry = live(key);
    return entry == null ? Duration.ZERO : entry.delay();
  }

  /** Records a retry: the wait before the one after it doubles (the first time: the initial delay). */
  public void next(String key) {
    Instant now = clock.instant();
    entries.compute(key, (k, entry) -> {
      if (entry == null || expired(entry, now)) {
        return new Entry(initial, now);
      }
      Duration doubled = entry.delay().multipliedBy(2);
      return new Entry(doubled.compareTo(max) > 0 ? max : doubled, now);
    });
  }

  public void reset(String key) {
    entries.remove(key);
  }

  /** Forgets every key that starts with {@code prefix} (e.g. all of a pod's). */
  public void resetAll(String prefix) {
    entries.keySet().removeIf(k -> k.startsWith(prefix));
  }

  private Entry live(String key) {
    Entry entry = entries.get(key);
    if (entry != null && expired(entry, clock.instant())) {
      entries.remove(key, entry);
      return null;
    }
    return entry;
  }

  private boolean expired(Entry entry, Instant now) {
    return Duration.between(entry.updated(), now).compareTo(max.multipliedBy(2)) > 0;
  }
}
