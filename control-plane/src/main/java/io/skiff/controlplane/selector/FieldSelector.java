package io.skiff.controlplane.selector;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A Kubernetes field selector: {@code field=value} and {@code field!=value} terms that must all
 * hold, e.g. {@code metadata.namespace=prod,status.phase!=Running}. Immutable; terms are kept
 * sorted so {@link #toString()} is canonical.
 *
 * <p>As in Kubernetes, nothing is trimmed ({@code "a = b"} names the field {@code "a "}), empty
 * terms are skipped, and a value may hold {@code ,} {@code =} or {@code \} escaped with a
 * backslash.
 */
public final class FieldSelector {
  private static final FieldSelector EVERYTHING = new FieldSelector(List.of());
  // Checked in this order at each position, so "a==b" is a=="b" rather than a="=b".
  private static final List<String> OPERATORS = List.of("!=", "==", "=");

  private final List<Requirement> requirements;

  private FieldSelector(List<Requirement> requirements) {
    this.requirements = requirements;
  }

  /**
   * Parses {@code f=v}, {@code f==v} and {@code f!=v} terms separated by commas; a blank string
   * selects everything. A field outside {@code supportedFields} is refused with Kubernetes'
   * {@code field label not supported: <field>}.
   */
  public static FieldSelector parse(String selector, Set<String> supportedFields) {
    Objects.requireNonNull(supportedFields, "supportedFields");
    if (selector.isBlank()) {
      return EVERYTHING;
    }
    List<Requirement> requirements = new ArrayList<>();
    for (String term : splitTerms(selector)) {
      if (term.isEmpty()) {
        continue;
      }
      Requirement requirement = parseTerm(selector, term);
      if (!supportedFields.contains(requirement.field())) {
        throw new IllegalArgumentException("field label not supported: " + requirement.field());
      }
      requirements.add(requirement);
    }
    if (requirements.isEmpty()) {
      return EVERYTHING;
    }
    requirements.sort(Comparator.comparing(Requirement::toString));
    return new FieldSelector(List.copyOf(requirements));
  }

  /** The selector without terms, which matches everything. */
  public static FieldSelector everything() {
    return EVERYTHING;
  }

  /** Splits on commas that are not escaped; escapes stay in the terms, to be undone per value. */
  private static List<String> splitTerms(String selector) {
    List<String> terms = new ArrayList<>();
    int start = 0;
    boolean escaped = false;
    for (int i = 0; i < selector.length(); i++) {
      char c = selector.charAt(i);
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == ',') {
        terms.add(selector.substring(start, i));
        start = i + 1;
      }
    }
    terms.add(selector.substring(start));
    return terms;
  }

  /** The field is everything before the first operator (fields cannot be escaped); the value is unescaped. */
  private static Requirement parseTerm(String selector, String term) {
    for (int i = 0; i < term.length(); i++) {
      for (String operator : OPERATORS) {
        if (term.startsWith(operator, i)) {
          String field = term.substring(0, i);
          String value = unescape(term.substring(i + operator.length()));
          return new Requirement(field, operator.equals("!=") ? Operator.NOT_EQUALS : Operator.EQUALS, value);
        }
      }
    }
    throw new IllegalArgumentException("invalid selector: '" + selector + "'; can't understand '" + term + "'");
  }

  private static String unescape(String value) {
    StringBuilder out = new StringBuilder(value.length());
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == ',' || c == '=') {
        throw new IllegalArgumentException("invalid field selector: unescaped character in value: '" + c + "'");
      }
      if (c == '\\') {
        if (++i == value.length()) {
          throw new IllegalArgumentException("invalid field selector: invalid escape sequence: \\");
        }
        c = value.charAt(i);
        if (c != '\\' && c != ',' && c != '=') {
          throw new IllegalArgumentException("invalid field selector: invalid escape sequence: \\" + c);
        }
      }
      out.append(c);
    }
    return out.toString();
  }

  private static String escape(String value) {
    return value.replace("\\", "\\\\").replace(",", "\\,").replace("=", "\\=");
  }

  public boolean isEverything() {
    return requirements.isEmpty();
  }

  public List<Requirement> requirements() {
    return requirements;
  }

  /** Whether every term holds; a field missing from {@code fieldValues} counts as empty, as in Kubernetes. */
  public boolean matches(Map<String, String> fieldValues) {
    Objects.requireNonNull(fieldValues, "fieldValues");
    return requirements.stream().allMatch(r -> r.matches(fieldValues.getOrDefault(r.field(), "")));
  }

  /**
   * The value {@code field} must equal, when the selector says {@code field=value}, so a server
   * can narrow its query (e.g. to one namespace) before filtering.
   */
  public Optional<String> requiredValue(String field) {
    return requirements.stream()
        .filter(r -> r.op() == Operator.EQUALS && r.field().equals(field))
        .map(Requirement::value)
        .findFirst();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FieldSelector other && requirements.equals(other.requirements);
  }

  @Override
  public int hashCode() {
    return requirements.hashCode();
  }

  /** The canonical string form, values escaped, e.g. {@code metadata.name=a\,b,status.phase!=Running}. */
  @Override
  public String toString() {
    return requirements.stream().map(Requirement::toString).collect(Collectors.joining(","));
  }

  public enum Operator { EQUALS, NOT_EQUALS }

  /** One term: the field's value must (not) equal {@code value}. */
  public record Requirement(String field, Operator op, String value) {
    public Requirement {
      Objects.requireNonNull(field, "field");
      Objects.requireNonNull(op, "op");
      Objects.requireNonNull(value, "value");
    }

    boolean matches(String fieldValue) {
      return (op == Operator.EQUALS) == value.equals(fieldValue);
    }

    @Override
    public String toString() {
      return field + (op == Operator.EQUALS ? "=" : "!=") + escape(value);
    }
  }
}
