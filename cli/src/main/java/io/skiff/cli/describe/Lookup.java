package io.skiff.cli.describe;

import io.skiff.api.v1.Event;
import io.skiff.api.v1.Pod;
import io.skiff.api.v1.ReplicaSet;
import java.util.List;

/** What describing an object needs to read besides the object: its events, its replica sets, its pods. */
public interface Lookup {
  /** Events about the object, oldest first. */
  List<Event> events(String kind, String namespace, String name);

  /** Replica sets in the namespace matching the label selector. */
  List<ReplicaSet> replicaSets(String namespace, String labelSelector);

  /** Pods matching the selectors; namespace "" for all. */
  List<Pod> pods(String namespace, String labelSelector, String fieldSelector);
}
