package io.skiff.controlplane.scheduler.policy;

import io.skiff.api.v1.Taint;
import io.skiff.api.v1.Toleration;
import java.util.List;

/** Kubernetes' rule for whether tolerations match a taint; the scheduler and the node lifecycle controller share it. */
public final class Tolerations {
  private Tolerations() {
  }

  /** Some toleration matches the taint. */
  public static boolean tolerated(List<Toleration> tolerations, Taint taint) {
    for (Toleration toleration : tolerations) {
      if (tolerates(toleration, taint)) {
        return true;
      }
    }
    return false;
  }

  /** The effect matches (empty: any), the key matches (empty: any), and Exists, or Equal with the same value. */
  public static boolean tolerates(Toleration toleration, Taint taint) {
    if (!toleration.getEffect().isEmpty() && !toleration.getEffect().equals(taint.getEffect())) {
      return false;
    }
    if (!toleration.getKey().isEmpty() && !toleration.getKey().equals(taint.getKey())) {
      return false;
    }
    return switch (toleration.getOperator()) {
      case "Exists" -> true;
      case "", "Equal" -> toleration.getValue().equals(taint.getValue());
      default -> false;
    };
  }
}
