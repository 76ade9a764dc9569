package io.skiff.cli.describe;

import io.skiff.api.v1.Condition;
import io.skiff.api.v1.Event;
import io.skiff.api.v1.ObjectMeta;
import io.skiff.api.v1.OwnerReference;
import io.skiff.cli.output.Ages;
import java.time.Instant;
import java.util.List;

/** Blocks several describers share: the events table, conditions, the controller. */
final class Sections {
  private Sections() {
  }

  /** kubectl's Events block: Type, Reason, Age ("3m (x5 over 10m)" when repeated), From, Message. */
  static void events(DescribeWriter w, List<Event> events, Instant now) {
    if (events.isEmpty()) {
      w.field(0, "Events", "<none>");
      return;
    }
    w.line(0, "Events:");
    w.line(1, "Type", "Reason", "Age", "From", "Message");
    w.line(1, "----", "------", "----", "----", "-------");
    for (Event e : events) {
      String first = Ages.since(e.hasFirstTimestamp() ? e.getFirstTimestamp() : e.getMetadata().getCreationTimestamp(),
          now);
      String age = e.getCount() > 1 && e.hasLastTimestamp()
          ? Ages.since(e.getLastTimestamp(), now) + " (x" + e.getCount() + " over " + first + ")" : first;
      String from = !e.getSource().getComponent().isEmpty() ? e.getSource().getComponent()
          : e.getReportingComponent();
      if (!e.getSource().getHost().isEmpty()) {
        from = from + ", " + e.getSource().getHost();
      }
      w.line(1, e.getType(), e.getReason(), age, from, e.getMessage().strip());
    }
  }

  static void conditions(DescribeWriter w, List<Condition> conditions, boolean withReason) {
    if (conditions.isEmpty()) {
      return;
    }
    w.line(0, "Conditions:");
    if (withReason) {
      w.line(1, "Type", "Status", "Reason");
      w.line(1, "----", "------", "------");
      conditions.forEach(c -> w.line(1, c.getType(), c.getStatus(), c.getReason()));
    } else {
      w.line(1, "Type", "Status");
      conditions.forEach(c -> w.line(1, c.getType(), c.getStatus()));
    }
  }

  /** "Controlled By:  ReplicaSet/web-abc", when an owner is the controller. */
  static void controller(DescribeWriter w, ObjectMeta meta) {
    for (OwnerReference owner : meta.getOwnerReferencesList()) {
      if (owner.getController()) {
        w.field(0, "Controlled By", owner.getKind() + "/" + owner.getName());
      }
    }
  }

  static void header(DescribeWriter w, ObjectMeta meta, boolean namespaced) {
    w.field(0, "Name", meta.getName());
    if (namespaced) {
      w.field(0, "Namespace", meta.getNamespace());
    }
  }
}
