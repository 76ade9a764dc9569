package io.skiff.controlplane.watch;

import java.time.Duration;

/**
 * @param capacity events kept per kind; a client can resume from any of them
 * @param historyRevisions how far back (in store revisions) a starting cache reads history
 * @param bookmarkInterval how often idle watchers that asked for bookmarks get one
 */
public record WatchCacheSettings(int capacity, long historyRevisions, Duration bookmarkInterval) {
  public static WatchCacheSettings defaults() {
    return new WatchCacheSettings(20_000, 20_000, Duration.ofSeconds(5));
  }
}
