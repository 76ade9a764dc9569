package io.skiff.client;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.Map;

/**
 * A resource amount written as Kubernetes writes it ({@code resource.Quantity}): {@code 250m}
 * cores, {@code 64Mi} bytes, {@code 1.5}, {@code 1e3}. Held exactly as a {@link BigDecimal} of
 * base units; like Kubernetes, a non-zero amount finer than 1n is rounded up (away from zero) to
 * the nearest nano, so that asking for a little never means asking for nothing.
 *
 * <p>Unlike Kubernetes, a binary-suffixed amount above 2^63-1 is not silently capped: the exact
 * amount is kept and {@link #value()} refuses it.
 *
 * <p>Equality and ordering are by amount: {@code 1Ki} equals {@code 1024}. {@link #toString()}
 * gives back the text a quantity was parsed from, or a canonical form for computed ones.
 *
 * <p>It lives in the client so that the API server (validation, scheduling) and the node agent
 * (container limits, node capacity) read quantities the same way. Immutable.
 */
public final class Quantity implements Comparable<Quantity> {
  private static final String FORMAT_ERROR =
      "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
  private static final String SUFFIX_ERROR = "unable to parse quantity's suffix";
  private static final String SUFFIX_CHARS = "eEinumkKMGTP";
  private static final Map<String, Integer> DECIMAL_SUFFIXES = Map.of(
      "n", -9, "u", -6, "m", -3, "", 0, "k", 3, "M", 6, "G", 9, "T", 12, "P", 15, "E", 18);
  private static final Map<String, Integer> BINARY_SUFFIXES = Map.of(
      "Ki", 10, "Mi", 20, "Gi", 30, "Ti", 40, "Pi", 50, "Ei", 60);
  private static final String[] BINARY_SUFFIXES_BY_POWER_OF_1024 = {"", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};
  private static final BigInteger KIBI = BigInteger.valueOf(1024);
  private static final int NANO_SCALE = 9;
  /**
   * Kubernetes bounds neither the exponent nor the amount. We refuse magnitudes of 10^1000 and
   * above so that a hostile {@code 1e2000000000} cannot make adding two quantities build a
   * two-billion-digit number; no real resource comes anywhere near.
   */
  private static final int MAX_DECIMAL_EXPONENT = 1000;

  private final BigDecimal amount;
  private final String text;

  private Quantity(BigDecimal amount, String text) {
    this.amount = amount;
    this.text = text;
  }

  /**
   * Parses {@code <sign><number><suffix>}: number {@code 1}, {@code 1.5}, {@code .5} or {@code 1.};
   * suffix one of {@code n u m k M G T P E}, {@code Ki Mi Gi Ti Pi Ei}, or an exponent
   * {@code e3}, {@code E-3}. Unlike Kubernetes, whose scanner reads {@code "."}, {@code "-"} or a
   * bare {@code "Mi"} as zero, the number must have at least one digit.
   */
  public static Quantity parse(String text) {
    int end = text.length();
    int pos = 0;
    boolean negative = false;
    if (pos < end && (text.charAt(pos) == '+' || text.charAt(pos) == '-')) {
      negative = text.charAt(pos) == '-';
      pos++;
    }
    int intStart = pos;
    pos = skipDigits(text, pos);
    String intDigits = text.substring(intStart, pos);
    String fracDigits = "";
    if (pos < end && text.charAt(pos) == '.') {
      int fracStart = ++pos;
      pos = skipDigits(text, pos);
      fracDigits = text.substring(fracStart, pos);
    }
    if (intDigits.isEmpty() && fracDigits.isEmpty()) {
      throw new IllegalArgumentException(FORMAT_ERROR);
    }
    int suffixStart = pos;
    while (pos < end && SUFFIX_CHARS.indexOf(text.charAt(pos)) >= 0) {
      pos++;
    }
    if (pos < end && (text.charAt(pos) == '+' || text.charAt(pos) == '-')) {
      pos++;
    }
    if (skipDigits(text, pos) != end) {
      throw new IllegalArgumentException(FORMAT_ERROR);
    }
    BigInteger unscaled = new BigInteger(intDigits + fracDigits);
    BigDecimal magnitude = magnitude(text, unscaled, fracDigits.length(), text.substring(suffixStart));
    return new Quantity(negative ? magnitude.negate() : magnitude, text);
  }

  private static int skipDigits(String text, int pos) {
    while (pos < text.length() && text.charAt(pos) >= '0' && text.charAt(pos) <= '9') {
      pos++;
    }
    return pos;
  }

  /** The absolute amount {@code unscaled × 10^-fracDigits × suffix}, rounded up to whole nanos. */
  private static BigDecimal magnitude(String text, BigInteger unscaled, int fracDigits, String suffix) {
    Integer binaryExponent = BINARY_SUFFIXES.get(suffix);
    int decimalExponent = binaryExponent == null ? decimalExponent(suffix) : 0;
    if (unscaled.signum() == 0) {
      return BigDecimal.ZERO;
    }
    BigDecimal amount;
    if (binaryExponent == null) {
      // Only an exponent can make the amount far bigger or smaller than its text: settle those cases
      // from the exponent of the leading digit, before building a BigDecimal with a huge scale.
      long scale = fracDigits - (long) decimalExponent;
      long leadingDigitExponent = new BigDecimal(unscaled).precision() - 1 - scale;
      if (leadingDigitExponent < -NANO_SCALE) {
        return BigDecimal.ONE.movePointLeft(NANO_SCALE);
      }
      if (leadingDigitExponent >= MAX_DECIMAL_EXPONENT) {
        throw tooLarge(text);
      }
      amount = new BigDecimal(unscaled, Math.toIntExact(scale));
    } else {
      amount = new BigDecimal(unscaled, fracDigits).multiply(new BigDecimal(BigInteger.ONE.shiftLeft(binaryExponent)));
      if (amount.precision() - amount.scale() > MAX_DECIMAL_EXPONENT) {
        throw tooLarge(text);
      }
    }
    return amount.scale() > NANO_SCALE ? amount.setScale(NANO_SCALE, RoundingMode.UP) : amount;
  }

  // The text of a parsed quantity holds only digits, signs, '.' and suffix letters: quoted plainly,
  // it reads as Go's %q would quote it.
  private static IllegalArgumentException tooLarge(String text) {
    return new IllegalArgumentException(
        "quantity \"" + text + "\" is too large: its magnitude must be below 1e" + MAX_DECIMAL_EXPONENT);
  }

  private static int decimalExponent(String suffix) {
    Integer exponent = DECIMAL_SUFFIXES.get(suffix);
    if (exponent != null) {
      return exponent;
    }
    if (suffix.length() > 1 && (suffix.charAt(0) == 'e' || suffix.charAt(0) == 'E')) {
      try {
        return Integer.parseInt(suffix.substring(1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(SUFFIX_ERROR);
      }
    }
    throw new IllegalArgumentException(SUFFIX_ERROR);
  }

  /** The exact amount in base units (cores, bytes). */
  public BigDecimal amount() {
    return amount;
  }

  public boolean isNegative() {
    return amount.signum() < 0;
  }

  /** The amount in whole units, rounded up in magnitude as Kubernetes' Value() does: 1.5 → 2, -1.5 → -2. */
  public long value() {
    return toLong(amount, "units");
  }

  /** The amount in thousandths, rounded up in magnitude as Kubernetes' MilliValue() does: 1.0001 → 1001. */
  public long milliValue() {
    return toLong(amount.movePointRight(3), "milli-units");
  }

  private long toLong(BigDecimal units, String unitName) {
    try {
      return units.setScale(0, RoundingMode.UP).longValueExact();
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException(
          "quantity \"" + text + "\" does not fit in a 64-bit integer of " + unitName);
    }
  }

  public Quantity add(Quantity other) {
    return computed(amount.add(other.amount));
  }

  public Quantity subtract(Quantity other) {
    return computed(amount.subtract(other.amount));
  }

  private static Quantity computed(BigDecimal amount) {
    return new Quantity(amount, canonical(amount));
  }

  /**
   * {@code 250m} (or {@code u}, {@code n}) when fractional; otherwise the integer with the largest
   * binary suffix that keeps it exact once it reaches 1024 ({@code 3Ki}, {@code 1Gi}); else plain.
   */
  private static String canonical(BigDecimal amount) {
    if (amount.signum() == 0) {
      return "0";
    }
    BigDecimal stripped = amount.stripTrailingZeros();
    if (stripped.scale() > 0) {
      int thousands = (stripped.scale() + 2) / 3;
      return stripped.movePointRight(3 * thousands).toBigIntegerExact() + new String[] {"", "m", "u", "n"}[thousands];
    }
    BigInteger units = stripped.toBigIntegerExact();
    int power = 0;
    while (power + 1 < BINARY_SUFFIXES_BY_POWER_OF_1024.length && units.mod(KIBI).signum() == 0) {
      units = units.divide(KIBI);
      power++;
    }
    return units + BINARY_SUFFIXES_BY_POWER_OF_1024[power];
  }

  @Override
  public int compareTo(Quantity other) {
    return amount.compareTo(other.amount);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Quantity other && amount.compareTo(other.amount) == 0;
  }

  @Override
  public int hashCode() {
    return amount.stripTrailingZeros().hashCode();
  }

  @Override
  public String toString() {
    return text;
  }
}
