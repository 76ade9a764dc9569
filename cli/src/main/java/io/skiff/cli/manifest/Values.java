package io.skiff.cli.manifest;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;

/** How tree values read in messages: "three" quoted, numbers plain, objects and lists by what they are. */
final class Values {
  private Values() {
  }

  static String show(Object value) {
    if (value == null) {
      return "null";
    }
    if (value instanceof String s) {
      return Json.quote(s);
    }
    if (value instanceof Map<?, ?>) {
      return "an object";
    }
    if (value instanceof List<?>) {
      return "a list";
    }
    if (value instanceof Double d) {
      return d.isNaN() || d.isInfinite() ? d.toString() : BigDecimal.valueOf(d).toPlainString();
    }
    return value.toString();
  }

  static boolean isInteger(Object value) {
    return value instanceof Integer || value instanceof Long || value instanceof BigInteger;
  }

  static BigInteger integer(Object value) {
    if (value instanceof BigInteger b) {
      return b;
    }
    return BigInteger.valueOf(((Number) value).longValue());
  }

  /** A number as a Kubernetes quantity or int-or-string would spell it: 1, 0.5, 250. */
  static String numberText(Object value) {
    if (value instanceof Double d) {
      return BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
    }
    return value.toString();
  }
}
