package io.skiff.controlplane.selector;

import java.util.ArrayList;
import java.util.List;

/** Splits a label selector into tokens, as Kubernetes' label selector lexer does. */
final class LabelSelectorLexer {
  enum Kind { END, OPEN_PAREN, CLOSE_PAREN, COMMA, NOT, EQUALS, DOUBLE_EQUALS, NOT_EQUALS, IN, NOT_IN, IDENTIFIER }

  record Token(Kind kind, String literal) {
    /** How an error message names this token. */
    String describe() {
      return kind == Kind.END ? "end of string" : "'" + literal + "'";
    }
  }

  private static final String SPECIAL = "=!(),";

  private LabelSelectorLexer() {}

  /** The tokens of {@code selector}, ending with one END token. */
  static List<Token> tokens(String selector) {
    List<Token> tokens = new ArrayList<>();
    int pos = 0;
    while (true) {
      while (pos < selector.length() && isWhitespace(selector.charAt(pos))) {
        pos++;
      }
      if (pos == selector.length()) {
        tokens.add(new Token(Kind.END, ""));
        return tokens;
      }
      int start = pos;
      if (isSpecial(selector.charAt(pos))) {
        // The longest operator that starts here: "!=" over "!", "==" over "=".
        boolean pair = pos + 1 < selector.length() && selector.charAt(pos + 1) == '='
            && (selector.charAt(pos) == '!' || selector.charAt(pos) == '=');
        pos += pair ? 2 : 1;
      } else {
        while (pos < selector.length() && !isSpecial(selector.charAt(pos)) && !isWhitespace(selector.charAt(pos))) {
          pos++;
        }
      }
      String literal = selector.substring(start, pos);
      tokens.add(new Token(kindOf(literal), literal));
    }
  }

  private static Kind kindOf(String literal) {
    return switch (literal) {
      case "(" -> Kind.OPEN_PAREN;
      case ")" -> Kind.CLOSE_PAREN;
      case "," -> Kind.COMMA;
      case "!" -> Kind.NOT;
      case "=" -> Kind.EQUALS;
      case "==" -> Kind.DOUBLE_EQUALS;
      case "!=" -> Kind.NOT_EQUALS;
      case "in" -> Kind.IN;
      case "notin" -> Kind.NOT_IN;
      default -> Kind.IDENTIFIER;
    };
  }

  private static boolean isSpecial(char c) {
    return SPECIAL.indexOf(c) >= 0;
  }

  private static boolean isWhitespace(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
  }
}
