package io.skiff.cli.manifest;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/** Writes trees (maps, lists, strings, numbers, booleans, nulls) as JSON: indented like kubectl's, or compact. */
public final class Json {
  private Json() {
  }

  /** Four-space indentation, as `kubectl get -o json`. */
  public static String pretty(Object tree) {
    StringBuilder out = new StringBuilder();
    write(out, tree, 0, true);
    return out.append('\n').toString();
  }

  public static String compact(Object tree) {
    StringBuilder out = new StringBuilder();
    write(out, tree, 0, false);
    return out.toString();
  }

  private static void write(StringBuilder out, Object value, int depth, boolean pretty) {
    if (value == null) {
      out.append("null");
    } else if (value instanceof String s) {
      out.append(quote(s));
    } else if (value instanceof Map<?, ?> map) {
      if (map.isEmpty()) {
        out.append("{}");
        return;
      }
      out.append('{');
      boolean first = true;
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        out.append(first ? "" : ",");
        first = false;
        newline(out, depth + 1, pretty);
        out.append(quote(String.valueOf(entry.getKey()))).append(pretty ? ": " : ":");
        write(out, entry.getValue(), depth + 1, pretty);
      }
      newline(out, depth, pretty);
      out.append('}');
    } else if (value instanceof List<?> list) {
      if (list.isEmpty()) {
        out.append("[]");
        return;
      }
      out.append('[');
      for (int i = 0; i < list.size(); i++) {
        out.append(i == 0 ? "" : ",");
        newline(out, depth + 1, pretty);
        write(out, list.get(i), depth + 1, pretty);
      }
      newline(out, depth, pretty);
      out.append(']');
    } else if (value instanceof Double d) {
      out.append(d.isNaN() || d.isInfinite() ? quote(d.toString()) : BigDecimal.valueOf(d).toPlainString());
    } else if (value instanceof byte[] bytes) {
      out.append(quote(java.util.Base64.getEncoder().encodeToString(bytes)));
    } else {
      out.append(value);
    }
  }

  private static void newline(StringBuilder out, int depth, boolean pretty) {
    if (pretty) {
      out.append('\n').append("    ".repeat(depth));
    }
  }

  /** {@code s} as a JSON string literal. */
  public static String quote(String s) {
    StringBuilder out = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }
}
