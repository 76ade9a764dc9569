package io.skiff.controlplane.selector;

import io.skiff.controlplane.validation.FieldErrors;
import io.skiff.controlplane.validation.FieldPath;
import io.skiff.controlplane.validation.Names;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * A Kubernetes label selector: requirements that must all hold, written
 * {@code app=web,tier in (frontend,cache),!canary}. Immutable. Requirements are kept sorted
 * by key (then operator and values), so equal selectors print alike and {@link #toString()}
 * is canonical and parses back to an equal selector.
 */
public final class LabelSelector {
  private static final LabelSelector EVERYTHING = new LabelSelector(List.of());
  private static final Comparator<Requirement> ORDER = Comparator.comparing(Requirement::key)
      .thenComparing(Requirement::op)
      .thenComparing(r -> String.join(",", r.values()));

  private final List<Requirement> requirements;

  private LabelSelector(List<Requirement> requirements) {
    this.requirements = requirements;
  }

  /**
   * Parses Kubernetes' selector syntax: comma-separated {@code k=v}, {@code k==v}, {@code k!=v},
   * {@code k in (v1,v2)}, {@code k notin (v1)}, {@code k} and {@code !k}. A blank string selects
   * everything. Throws {@link IllegalArgumentException} naming the selector and the problem.
   */
  public static LabelSelector parse(String selector) {
    return of(new LabelSelectorParser(selector).parse());
  }

  public static LabelSelector of(List<Requirement> requirements) {
    return requirements.isEmpty() ? EVERYTHING : new LabelSelector(requirements.stream().sorted(ORDER).toList());
  }

  /** The selector without requirements, which matches every set of labels. */
  public static LabelSelector everything() {
    return EVERYTHING;
  }

  public boolean isEverything() {
    return requirements.isEmpty();
  }

  public List<Requirement> requirements() {
    return requirements;
  }

  public boolean matches(Map<String, String> labels) {
    Objects.requireNonNull(labels, "labels");
    return requirements.stream().allMatch(r -> r.matches(labels));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LabelSelector other && requirements.equals(other.requirements);
  }

  @Override
  public int hashCode() {
    return requirements.hashCode();
  }

  /** The canonical string form, e.g. {@code !canary,app=web,tier in (cache,frontend)}; empty for everything. */
  @Override
  public String toString() {
    return requirements.stream().map(Requirement::toString).collect(Collectors.joining(","));
  }

  public enum Operator { EQUALS, NOT_EQUALS, IN, NOT_IN, EXISTS, DOES_NOT_EXIST }

  /**
   * One condition on one label. {@code values} is copied into a sorted, unmodifiable set. Throws
   * {@link IllegalArgumentException}, worded as Kubernetes' NewRequirement, when the key is not a
   * valid label key, a value not a valid label value, or the number of values does not suit the
   * operator: exactly one for (not) equals, at least one for (not) in, none for (does not) exist.
   */
  public record Requirement(String key, Operator op, Set<String> values) {
    public Requirement {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(op, "op");
      values = Collections.unmodifiableSortedSet(new TreeSet<>(values));
      FieldErrors errors = keyErrors(key);
      FieldPath valuesPath = FieldPath.root("values");
      switch (op) {
        case IN, NOT_IN -> {
          if (values.isEmpty()) {
            errors.invalid(valuesPath, values, "for 'in', 'notin' operators, values set can't be empty");
          }
        }
        case EQUALS, NOT_EQUALS -> {
          if (values.size() != 1) {
            errors.invalid(valuesPath, values, "exact-match compatibility requires one single value");
          }
        }
        case EXISTS, DOES_NOT_EXIST -> {
          if (!values.isEmpty()) {
            errors.invalid(valuesPath, values, "values set must be empty for exists and does not exist");
          }
        }
      }
      int i = 0;
      for (String value : values) {
        List<String> problems = Names.labelValue(value);
        if (!problems.isEmpty()) {
          errors.invalid(valuesPath.index(i), value, String.join("; ", problems));
        }
        i++;
      }
      if (!errors.isEmpty()) {
        throw new IllegalArgumentException(String.join("; ", errors.messages()));
      }
    }

    /** {@code key: Invalid value: ...} when {@code key} is not a valid label key; the parser checks keys as it reads them. */
    static FieldErrors keyErrors(String key) {
      FieldErrors errors = new FieldErrors();
      List<String> problems = Names.labelKey(key);
      if (!problems.isEmpty()) {
        errors.invalid(FieldPath.root("key"), key, String.join("; ", problems));
      }
      return errors;
    }

    /** Kubernetes' semantics: {@code !=} and {@code notin} also hold when the label is absent. */
    public boolean matches(Map<String, String> labels) {
      String value = labels.get(key);
      return switch (op) {
        case EQUALS, IN -> value != null && values.contains(value);
        case NOT_EQUALS, NOT_IN -> value == null || !values.contains(value);
        case EXISTS -> value != null;
        case DOES_NOT_EXIST -> value == null;
      };
    }

    @Override
    public String toString() {
      return switch (op) {
        case EQUALS -> key + "=" + values.iterator().next();
        case NOT_EQUALS -> key + "!=" + values.iterator().next();
        case IN -> key + " in (" + String.join(",", values) + ")";
        case NOT_IN -> key + " notin (" + String.join(",", values) + ")";
        case EXISTS -> key;
        case DOES_NOT_EXIST -> "!" + key;
      };
    }
  }
}
