package io.skiff.controlplane.controllers.node;

import io.skiff.api.v1.Taint;
import io.skiff.api.v1.Toleration;

/** Kubernetes' rule for whether a toleration matches a taint. */
public final class Tolerations {
  private Tolerations() {
  }

  /**
   * An empty effect matches every effect; an empty key with Exists matches
   * every taint; Exists ignores the value; Equal (the default) needs it equal.
   */
  public static boolean tolerates(Toleration toleration, Taint taint) {
    if (!toleration.getEffect().isEmpty() && !toleration.getEffect().equals(taint.getEffect())) {
      return false;
    }
    if (toleration.getKey().isEmpty()) {
      return toleration.getOperator().equals("Exists");
    }
    if (!toleration.getKey().equals(taint.getKey())) {
      return false;
    }
    return toleration.getOperator().equals("Exists") || toleration.getValue().equals(taint.getValue());
  }
}
