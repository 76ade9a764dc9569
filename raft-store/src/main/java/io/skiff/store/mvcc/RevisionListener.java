package io.skiff.store.mvcc;

import java.util.List;

/** Told of every committed revision, in order, on the thread that applied it. */
@FunctionalInterface
public interface RevisionListener {
  /** {@code changes} are the key versions written at {@code revision}, in write order. */
  void onRevision(long revision, List<KeyHistory.Version> changes);
}
