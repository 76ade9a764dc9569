package io.skiff.cli.commands;

import io.skiff.api.v1.Event;
import io.skiff.api.v1.ListRequest;
import io.skiff.api.v1.Pod;
import io.skiff.api.v1.ReplicaSet;
import io.skiff.cli.Session;
import io.skiff.cli.describe.Lookup;
import io.skiff.cli.output.Tables;
import io.skiff.client.ResourceTypes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Lookup through the session: events by field selector on involvedObject, as kubectl describe finds them. */
final class SessionLookup implements Lookup {
  private final Session session;

  SessionLookup(Session session) {
    this.session = session;
  }

  @Override
  public List<Event> events(String kind, String namespace, String name) {
    String selector = "involvedObject.kind=" + kind + ",involvedObject.name=" + name
        + (namespace.isEmpty() ? "" : ",involvedObject.namespace=" + namespace);
    List<Event> events = new ArrayList<>(Resources.list(session.client(ResourceTypes.EVENTS),
        ListRequest.newBuilder().setNamespace(namespace).setFieldSelector(selector).build()).items());
    events.sort(Comparator.comparing(e -> {
      var t = Tables.lastSeen(e);
      return t.getSeconds() * 1_000_000_000L + t.getNanos();
    }));
    return events;
  }

  @Override
  public List<ReplicaSet> replicaSets(String namespace, String labelSelector) {
    return Resources.list(session.client(ResourceTypes.REPLICA_SETS),
        ListRequest.newBuilder().setNamespace(namespace).setLabelSelector(labelSelector).build()).items();
  }

  @Override
  public List<Pod> pods(String namespace, String labelSelector, String fieldSelector) {
    return Resources.list(session.client(ResourceTypes.PODS), ListRequest.newBuilder().setNamespace(namespace)
        .setLabelSelector(labelSelector).setFieldSelector(fieldSelector).build()).items();
  }
}
