package io.skiff.cli.output;

import io.skiff.api.v1.LabelSelector;
import io.skiff.api.v1.LabelSelectorRequirement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Label selectors and label maps as text, in Kubernetes' selector syntax. */
public final class Selectors {
  private Selectors() {
  }

  /** "app=web,tier in (back,front)"; "<none>" for an empty selector. */
  public static String text(LabelSelector selector) {
    List<String> parts = new ArrayList<>();
    new TreeMap<>(selector.getMatchLabelsMap()).forEach((k, v) -> parts.add(k + "=" + v));
    for (LabelSelectorRequirement r : selector.getMatchExpressionsList()) {
      switch (r.getOperator()) {
        case "In" -> parts.add(r.getKey() + " in (" + String.join(",", r.getValuesList()) + ")");
        case "NotIn" -> parts.add(r.getKey() + " notin (" + String.join(",", r.getValuesList()) + ")");
        case "Exists" -> parts.add(r.getKey());
        case "DoesNotExist" -> parts.add("!" + r.getKey());
        default -> parts.add(r.getKey() + " " + r.getOperator() + " " + r.getValuesList());
      }
    }
    return parts.isEmpty() ? "<none>" : String.join(",", parts);
  }

  /** A selector string for List requests ("" selects everything). */
  public static String query(LabelSelector selector) {
    String text = text(selector);
    return text.equals("<none>") ? "" : text;
  }

  /** "a=1,b=2" sorted; "<none>" when empty. */
  public static String labels(Map<String, String> labels) {
    if (labels.isEmpty()) {
      return "<none>";
    }
    List<String> parts = new ArrayList<>();
    new TreeMap<>(labels).forEach((k, v) -> parts.add(k + "=" + v));
    return String.join(",", parts);
  }
}
