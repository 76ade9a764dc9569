package io.skiff.controlplane.controllers.workload;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The creations and deletions a controller has asked for and not yet seen in
 * its informer, per owner key (Kubernetes' UIDTrackingControllerExpectations).
 * Until they are seen, the owner's cached pods are known to be stale, so it must
 * not create or delete again: that is how a ReplicaSet does not create twice.
 * Deletions are tracked by pod key, so seeing one twice (marked, then gone)
 * counts once. Expectations older than {@link #TTL} count as met, so a lost
 * event cannot stall an owner for good. Thread-safe.
 */
final class Expectations {
  static final Duration TTL = Duration.ofMinutes(5);

  private final Clock clock;
  /** Owner key → what it waits for; absent when it waits for nothing. Guarded by {@code this}. */
  private final Map<String, Pending> pending = new HashMap<>();

  private static final class Pending {
    int creations;
    final Set<String> deletions = new HashSet<>();
    final Instant since;

    Pending(Instant since) {
      this.since = since;
    }
  }

  Expectations(Clock clock) {
    this.clock = clock;
  }

  /** True when {@code owner} waits for nothing (or has waited too long): its cache may be acted on. */
  synchronized boolean satisfied(String owner) {
    Pending p = pending.get(owner);
    if (p == null) {
      return true;
    }
    if ((p.creations <= 0 && p.deletions.isEmpty()) || p.since.plus(TTL).isBefore(clock.instant())) {
      pending.remove(owner);
      return true;
    }
    return false;
  }

  /** Replaces what {@code owner} waits for with {@code count} creations. */
  synchronized void expectCreations(String owner, int count) {
    Pending p = new Pending(clock.instant());
    p.creations = count;
    pending.put(owner, p);
  }

  /** Replaces what {@code owner} waits for with the deletion of these pods (keys). */
  synchronized void expectDeletions(String owner, Collection<String> pods) {
    Pending p = new Pending(clock.instant());
    p.deletions.addAll(pods);
    pending.put(owner, p);
  }

  /** One creation was seen, or will never be (it failed or was skipped). */
  synchronized void creationObserved(String owner) {
    Pending p = pending.get(owner);
    if (p != null) {
      p.creations--;
    }
  }

  /** The deletion of {@code pod} was seen, or will never be. */
  synchronized void deletionObserved(String owner, String pod) {
    Pending p = pending.get(owner);
    if (p != null) {
      p.deletions.remove(pod);
    }
  }

  /** The owner is gone. */
  synchronized void forget(String owner) {
    pending.remove(owner);
  }
}
