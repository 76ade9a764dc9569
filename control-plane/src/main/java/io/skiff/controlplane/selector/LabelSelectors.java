package io.skiff.controlplane.selector;

import io.skiff.api.v1.LabelSelectorRequirement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** The structured selector of ReplicaSet and Deployment specs, as a {@link LabelSelector}. */
public final class LabelSelectors {
  private LabelSelectors() {
  }

  /**
   * Converts; an unknown operator or a malformed requirement is an
   * IllegalArgumentException naming it. An empty selector matches everything.
   */
  public static LabelSelector of(io.skiff.api.v1.LabelSelector selector) {
    List<LabelSelector.Requirement> requirements = new ArrayList<>();
    for (Map.Entry<String, String> label : selector.getMatchLabelsMap().entrySet()) {
      requirements.add(new LabelSelector.Requirement(label.getKey(), LabelSelector.Operator.EQUALS,
          new TreeSet<>(List.of(label.getValue()))));
    }
    for (LabelSelectorRequirement expression : selector.getMatchExpressionsList()) {
      LabelSelector.Operator operator = switch (expression.getOperator()) {
        case "In" -> LabelSelector.Operator.IN;
        case "NotIn" -> LabelSelector.Operator.NOT_IN;
        case "Exists" -> LabelSelector.Operator.EXISTS;
        case "DoesNotExist" -> LabelSelector.Operator.DOES_NOT_EXIST;
        default -> throw new IllegalArgumentException("operator: Unsupported value: \"" + expression.getOperator()
            + "\": supported values: \"In\", \"NotIn\", \"Exists\", \"DoesNotExist\"");
      };
      boolean needsValues = operator == LabelSelector.Operator.IN || operator == LabelSelector.Operator.NOT_IN;
      if (needsValues == (expression.getValuesCount() == 0)) {
        throw new IllegalArgumentException("values: " + (needsValues
            ? "Required value: must be specified when `operator` is 'In' or 'NotIn'"
            : "Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
      }
      requirements.add(new LabelSelector.Requirement(expression.getKey(), operator,
          new TreeSet<>(expression.getValuesList())));
    }
    return LabelSelector.of(requirements);
  }
}
