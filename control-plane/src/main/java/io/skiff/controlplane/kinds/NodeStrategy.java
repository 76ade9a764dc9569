package io.skiff.controlplane.kinds;

import io.skiff.api.v1.Condition;
import io.skiff.api.v1.Node;
import io.skiff.api.v1.Taint;
import io.skiff.client.Quantity;
import io.skiff.controlplane.registry.Strategy;
import io.skiff.controlplane.validation.FieldErrors;
import io.skiff.controlplane.validation.FieldPath;
import io.skiff.controlplane.validation.Names;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Nodes: taints in the spec; capacity, conditions and addresses in the status, written by the node's agent. */
final class NodeStrategy implements Strategy<Node> {
  static final List<String> CONDITION_STATUSES = List.of("True", "False", "Unknown");

  @Override
  public void validate(Node node, FieldErrors errors) {
    FieldPath taints = FieldPath.root("spec").child("taints");
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < node.getSpec().getTaintsCount(); i++) {
      Taint taint = node.getSpec().getTaints(i);
      FieldPath at = taints.index(i);
      if (taint.getKey().isEmpty()) {
        errors.required(at.child("key"));
      }
      for (String problem : Names.labelKey(taint.getKey())) {
        errors.invalid(at.child("key"), taint.getKey(), problem);
      }
      for (String problem : Names.labelValue(taint.getValue())) {
        errors.invalid(at.child("value"), taint.getValue(), problem);
      }
      PodSpecs.checkOneOf(taint.getEffect(), PodSpecs.TAINT_EFFECTS, at.child("effect"), errors);
      if (!seen.add(taint.getKey() + ":" + taint.getEffect())) {
        errors.duplicate(at, taint.getKey() + ":" + taint.getEffect());
      }
    }
    FieldPath status = FieldPath.root("status");
    checkQuantities(node.getStatus().getCapacityMap(), status.child("capacity"), errors);
    checkQuantities(node.getStatus().getAllocatableMap(), status.child("allocatable"), errors);
    for (int i = 0; i < node.getStatus().getConditionsCount(); i++) {
      Condition condition = node.getStatus().getConditions(i);
      if (condition.getType().isEmpty()) {
        errors.required(status.child("conditions").index(i).child("type"));
      }
      PodSpecs.checkOneOf(condition.getStatus(), CONDITION_STATUSES,
          status.child("conditions").index(i).child("status"), errors);
    }
  }

  private static void checkQuantities(Map<String, String> quantities, FieldPath path, FieldErrors errors) {
    for (Map.Entry<String, String> entry : quantities.entrySet()) {
      try {
        Quantity.parse(entry.getValue());
      } catch (IllegalArgumentException e) {
        errors.invalid(path.key(entry.getKey()), entry.getValue(), e.getMessage());
      }
    }
  }

  @Override
  public Set<String> selectableFields() {
    return Set.of("spec.unschedulable");
  }

  @Override
  public Map<String, String> fieldValues(Node node) {
    return Map.of("spec.unschedulable", String.valueOf(node.getSpec().getUnschedulable()));
  }
}
