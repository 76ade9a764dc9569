package io.skiff.controlplane.selector;

import io.skiff.controlplane.selector.LabelSelector.Operator;
import io.skiff.controlplane.selector.LabelSelector.Requirement;
import io.skiff.controlplane.selector.LabelSelectorLexer.Kind;
import io.skiff.controlplane.selector.LabelSelectorLexer.Token;
import io.skiff.controlplane.validation.FieldErrors;
import io.skiff.controlplane.validation.Quoting;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The recursive-descent parser of Kubernetes' label selector grammar, accepting exactly what
 * {@code labels.Parse} accepts:
 *
 * <pre>
 * selector    ::= requirement | requirement "," selector
 * requirement ::= ["!"] KEY [ ("in" | "notin") "(" values ")" | ("=" | "==" | "!=") VALUE ]
 * values      ::= VALUE | VALUE "," values        (a VALUE may be empty: "()" is the set {""})
 * </pre>
 *
 * The keywords {@code in} and {@code notin} are operators only where an operator is expected;
 * elsewhere they are plain keys and values.
 */
final class LabelSelectorParser {
  private final String selector;
  private final List<Token> tokens;
  private int position;

  LabelSelectorParser(String selector) {
    this.selector = selector;
    this.tokens = LabelSelectorLexer.tokens(selector);
  }

  List<Requirement> parse() {
    List<Requirement> requirements = new ArrayList<>();
    if (peek().kind() == Kind.END) {
      return requirements;
    }
    if (!startsRequirement(peek())) {
      throw selectorError("expected '!', identifier or end of string, found " + peek().describe());
    }
    while (true) {
      requirements.add(requirement());
      Token next = next();
      if (next.kind() == Kind.END) {
        return requirements;
      }
      if (next.kind() != Kind.COMMA) {
        throw selectorError("expected ',' or end of string, found " + next.describe());
      }
      if (!startsRequirement(peek())) {
        throw selectorError("expected identifier after ',', found " + peek().describe());
      }
    }
  }

  private Requirement requirement() {
    boolean negated = peek().kind() == Kind.NOT;
    if (negated) {
      next();
    }
    Token keyToken = next();
    if (!isIdentifier(keyToken)) {
      throw requirementError("expected identifier, found " + keyToken.describe());
    }
    String key = keyToken.literal();
    FieldErrors keyErrors = Requirement.keyErrors(key);
    if (!keyErrors.isEmpty()) {
      throw requirementError(String.join("; ", keyErrors.messages()));
    }
    if (negated) {
      // "!key" takes no operator; anything after it is reported by parse() as a missing ','.
      return build(key, Operator.DOES_NOT_EXIST, Set.of());
    }
    if (peek().kind() == Kind.END || peek().kind() == Kind.COMMA) {
      return build(key, Operator.EXISTS, Set.of());
    }
    Token operator = next();
    return switch (operator.kind()) {
      case EQUALS, DOUBLE_EQUALS -> build(key, Operator.EQUALS, exactValue());
      case NOT_EQUALS -> build(key, Operator.NOT_EQUALS, exactValue());
      case IN -> build(key, Operator.IN, valueSet());
      case NOT_IN -> build(key, Operator.NOT_IN, valueSet());
      default -> throw requirementError("expected operator (in, notin, =, ==, !=), found " + operator.describe());
    };
  }

  /** The value after =, == or !=; none at all means the empty value. */
  private Set<String> exactValue() {
    if (peek().kind() == Kind.END || peek().kind() == Kind.COMMA) {
      return Set.of("");
    }
    Token value = next();
    if (!isIdentifier(value)) {
      throw requirementError("expected identifier, found " + value.describe());
    }
    return Set.of(value.literal());
  }

  /** {@code (a,b)}; as in Kubernetes, an empty slot is the empty value: {@code ()}, {@code (a,)}, {@code (,a)}. */
  private Set<String> valueSet() {
    Token open = next();
    if (open.kind() != Kind.OPEN_PAREN) {
      throw requirementError("expected '(', found " + open.describe());
    }
    Set<String> values = new TreeSet<>();
    boolean expectValue = true;
    while (true) {
      Token token = next();
      if (token.kind() == Kind.CLOSE_PAREN) {
        if (expectValue) {
          values.add("");
        }
        return values;
      } else if (token.kind() == Kind.COMMA) {
        if (expectValue) {
          values.add("");
        }
        expectValue = true;
      } else if (expectValue && isIdentifier(token)) {
        values.add(token.literal());
        expectValue = false;
      } else {
        throw requirementError((expectValue ? "expected ',', ')' or identifier, found " : "expected ',' or ')', found ")
            + token.describe());
      }
    }
  }

  private Requirement build(String key, Operator op, Set<String> values) {
    try {
      return new Requirement(key, op, values);
    } catch (IllegalArgumentException e) {
      throw requirementError(e.getMessage());
    }
  }

  private static boolean startsRequirement(Token token) {
    return token.kind() == Kind.NOT || isIdentifier(token);
  }

  private static boolean isIdentifier(Token token) {
    return token.kind() == Kind.IDENTIFIER || token.kind() == Kind.IN || token.kind() == Kind.NOT_IN;
  }

  private Token peek() {
    return tokens.get(position);
  }

  private Token next() {
    Token token = tokens.get(position);
    if (token.kind() != Kind.END) {
      position++;
    }
    return token;
  }

  private IllegalArgumentException requirementError(String detail) {
    return new IllegalArgumentException("unable to parse requirement: " + Quoting.quote(selector) + ": " + detail);
  }

  private IllegalArgumentException selectorError(String detail) {
    return new IllegalArgumentException("unable to parse selector: " + Quoting.quote(selector) + ": " + detail);
  }
}
