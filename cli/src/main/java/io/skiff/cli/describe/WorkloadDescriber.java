package io.skiff.cli.describe;

import io.skiff.api.v1.Deployment;
import io.skiff.api.v1.Pod;
import io.skiff.api.v1.ReplicaSet;
import io.skiff.cli.output.Ages;
import io.skiff.cli.output.Selectors;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/** kubectl describe deployment and replicaset. */
public final class WorkloadDescriber {
  private WorkloadDescriber() {
  }

  public static String deployment(Deployment d, Lookup lookup, Instant now) {
    DescribeWriter w = new DescribeWriter();
    var spec = d.getSpec();
    var status = d.getStatus();
    Sections.header(w, d.getMetadata(), true);
    w.field(0, "CreationTimestamp", Ages.rfc1123(d.getMetadata().getCreationTimestamp()));
    w.labels(0, "Labels", d.getMetadata().getLabelsMap());
    w.annotations(0, "Annotations", d.getMetadata().getAnnotationsMap());
    w.field(0, "Selector", Selectors.text(spec.getSelector()));
    int desired = spec.hasReplicas() ? spec.getReplicas() : 1;
    w.field(0, "Replicas", desired + " desired | " + status.getUpdatedReplicas() + " updated | "
        + status.getReplicas() + " total | " + status.getAvailableReplicas() + " available | "
        + status.getUnavailableReplicas() + " unavailable");
    String strategy = spec.getStrategy().getType().isEmpty() ? "RollingUpdate" : spec.getStrategy().getType();
    w.field(0, "StrategyType", strategy);
    w.field(0, "MinReadySeconds", spec.getMinReadySeconds());
    if (strategy.equals("RollingUpdate")) {
      var rolling = spec.getStrategy().getRollingUpdate();
      w.field(0, "RollingUpdateStrategy", orDefault(rolling.getMaxUnavailable()) + " max unavailable, "
          + orDefault(rolling.getMaxSurge()) + " max surge");
    }
    if (spec.getPaused()) {
      w.field(0, "Paused", "true");
    }
    PodDescriber.template(w, spec.getTemplate());
    Sections.conditions(w, status.getConditionsList(), true);
    List<ReplicaSet> owned = DeploymentRevisions.owned(d, lookup.replicaSets(d.getMetadata().getNamespace(),
        Selectors.query(spec.getSelector())));
    Optional<ReplicaSet> current = DeploymentRevisions.current(d, owned);
    List<ReplicaSet> old = owned.stream().filter(rs -> current.isEmpty() || !rs.equals(current.get()))
        .filter(rs -> rs.getSpec().getReplicas() > 0 || rs.getStatus().getReplicas() > 0).toList();
    w.field(0, "OldReplicaSets", old.isEmpty() ? "<none>"
        : old.stream().map(WorkloadDescriber::replicaSetLine).collect(Collectors.joining(", ")));
    w.field(0, "NewReplicaSet", current.map(WorkloadDescriber::replicaSetLine).orElse("<none>"));
    Sections.events(w, lookup.events("Deployment", d.getMetadata().getNamespace(), d.getMetadata().getName()), now);
    return w.render();
  }

  private static String replicaSetLine(ReplicaSet rs) {
    int desired = rs.getSpec().hasReplicas() ? rs.getSpec().getReplicas() : 1;
    return rs.getMetadata().getName() + " (" + rs.getStatus().getReplicas() + "/" + desired + " replicas created)";
  }

  private static String orDefault(String value) {
    return value.isEmpty() ? "25%" : value;
  }

  public static String replicaSet(ReplicaSet rs, Lookup lookup, Instant now) {
    DescribeWriter w = new DescribeWriter();
    Sections.header(w, rs.getMetadata(), true);
    w.field(0, "Selector", Selectors.text(rs.getSpec().getSelector()));
    w.labels(0, "Labels", rs.getMetadata().getLabelsMap());
    w.annotations(0, "Annotations", rs.getMetadata().getAnnotationsMap());
    Sections.controller(w, rs.getMetadata());
    int desired = rs.getSpec().hasReplicas() ? rs.getSpec().getReplicas() : 1;
    w.field(0, "Replicas", rs.getStatus().getReplicas() + " current / " + desired + " desired");
    List<Pod> pods = lookup.pods(rs.getMetadata().getNamespace(), Selectors.query(rs.getSpec().getSelector()), "")
        .stream().filter(p -> p.getMetadata().getOwnerReferencesList().stream()
            .anyMatch(o -> o.getController() && o.getUid().equals(rs.getMetadata().getUid()))).toList();
    w.field(0, "Pods Status", count(pods, "Running") + " Running / " + count(pods, "Pending") + " Waiting / "
        + count(pods, "Succeeded") + " Succeeded / " + count(pods, "Failed") + " Failed");
    PodDescriber.template(w, rs.getSpec().getTemplate());
    Sections.conditions(w, rs.getStatus().getConditionsList(), true);
    Sections.events(w, lookup.events("ReplicaSet", rs.getMetadata().getNamespace(), rs.getMetadata().getName()), now);
    return w.render();
  }

  private static long count(List<Pod> pods, String phase) {
    return pods.stream().filter(p -> p.getStatus().getPhase().equals(phase)).count();
  }
}
