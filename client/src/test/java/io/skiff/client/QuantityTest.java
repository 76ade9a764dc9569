package io.skiff.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class QuantityTest {
  private static final String FORMAT_ERROR =
      "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
  private static final String SUFFIX_ERROR = "unable to parse quantity's suffix";

  @ParameterizedTest(name = "{0} = {1}, value {2}, milli {3}")
  @CsvSource({
      // text,       amount,                 value,                milliValue (blank: overflows)
      "0,            0,                      0,                    0",
      "1,            1,                      1,                    1000",
      "100m,         0.1,                    1,                    100",
      "250m,         0.25,                   1,                    250",
      "1500m,        1.5,                    2,                    1500",
      "1.5,          1.5,                    2,                    1500",
      "0.5,          0.5,                    1,                    500",
      ".5,           0.5,                    1,                    500",
      "1.,           1,                      1,                    1000",
      "+1,           1,                      1,                    1000",
      "-1,           -1,                     -1,                   -1000",
      "-1.5,         -1.5,                   -2,                   -1500",
      "-0,           0,                      0,                    0",
      "00012,        12,                     12,                   12000",
      "1n,           0.000000001,            1,                    1",
      "1u,           0.000001,               1,                    1",
      "1500u,        0.0015,                 1,                    2",
      "1k,           1000,                   1000,                 1000000",
      "1M,           1000000,                1000000,              1000000000",
      "1G,           1000000000,             1000000000,           1000000000000",
      "1T,           1000000000000,          1000000000000,        1000000000000000",
      "1P,           1000000000000000,       1000000000000000,     1000000000000000000",
      "1Ki,          1024,                   1024,                 1024000",
      "1Mi,          1048576,                1048576,              1048576000",
      "1Gi,          1073741824,             1073741824,           1073741824000",
      "1Ti,          1099511627776,          1099511627776,        1099511627776000",
      "1.5Gi,        1610612736,             1610612736,           1610612736000",
      "0.5Ki,        512,                    512,                  512000",
      "0Ki,          0,                      0,                    0",
      "1e3,          1000,                   1000,                 1000000",
      "1E3,          1000,                   1000,                 1000000",
      "1e+3,         1000,                   1000,                 1000000",
      "1e-3,         0.001,                  1,                    1",
      "1E-3,         0.001,                  1,                    1",
      "1.5e3,        1500,                   1500,                 1500000",
      "12e-1,        1.2,                    2,                    1200",
      "0e9,          0,                      0,                    0",
      "0.1n,         0.000000001,            1,                    1",
      "1e-12,        0.000000001,            1,                    1",
      "-1e-12,       -0.000000001,           -1,                   -1",
      "1.0000000001, 1.000000001,            2,                    1001",
      "0.0000000015, 0.000000002,            1,                    1",
      "9223372036854775807,  9223372036854775807,  9223372036854775807,",
      "-9223372036854775808, -9223372036854775808, -9223372036854775808,",
      "9223372036854775807m, 9223372036854775.807, 9223372036854776,    9223372036854775807",
  })
  void parsesKubernetesQuantities(String text, String amount, long value, Long milliValue) {
    Quantity q = Quantity.parse(text);
    assertEquals(0, q.amount().compareTo(new BigDecimal(amount)), () -> text + " parsed as " + q.amount());
    assertEquals(value, q.value());
    if (milliValue != null) { // blank where the milli-value would overflow; see refusesToOverflowALong
      assertEquals(milliValue, q.milliValue());
    }
    assertEquals(text, q.toString());
    assertEquals(q.amount().signum() < 0, q.isNegative());
  }

  @ParameterizedTest
  @CsvSource({"1E, 1000000000000000000", "1P, 1000000000000000", "1Pi, 1125899906842624", "1Ei, 1152921504606846976"})
  void parsesTheLargestSuffixes(String text, long value) {
    assertEquals(value, Quantity.parse(text).value());
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "", " ", " 1", "1 ", "1 Mi", "-", "+", ".", "..", "+-1", "--1", "1.1.M", "1+1.0M", "1..", "abc", "Mi", "e3",
      "1MB", "1KiB", "1e3k", "1e3.5", "1,5", "1_000", "0x10", "1/2", "١", "１", "1\n",
  })
  void rejectsMalformedQuantitiesWithKubernetesMessage(String text) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Quantity.parse(text));
    assertEquals(FORMAT_ERROR, e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"1-", "1+5", "1K", "1i", "1ki", "1kk", "0.1mi", "1mi", "1e", "1E+", "1e-", "1Ee3", "1ke3", "0K", "1e99999999999"})
  void rejectsUnknownSuffixesWithKubernetesMessage(String text) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Quantity.parse(text));
    assertEquals(SUFFIX_ERROR, e.getMessage());
  }

  static Stream<String> absurdMagnitudes() {
    return Stream.of("1e1000", "-1e1000", "1e2147483647", "0.1e1001", "1" + "0".repeat(1000), "1" + "0".repeat(998) + "Ki");
  }

  @ParameterizedTest
  @MethodSource("absurdMagnitudes")
  void rejectsAbsurdMagnitudes(String text) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Quantity.parse(text));
    assertEquals("quantity \"" + text + "\" is too large: its magnitude must be below 1e1000", e.getMessage());
  }

  @Test
  void absurdInputIsSettledWithoutBuildingHugeNumbers() {
    assertTimeoutPreemptively(Duration.ofSeconds(2), () -> {
      assertThrows(IllegalArgumentException.class, () -> Quantity.parse("9e2000000000"));
      assertEquals(new BigDecimal("1e-9"), Quantity.parse("1e-2147483648").amount());
      assertEquals(new BigDecimal("1e-9"), Quantity.parse("0." + "0".repeat(100_000) + "1").amount());
      Quantity large = Quantity.parse("9e999");
      assertEquals(1, large.add(Quantity.parse("1n")).compareTo(large));
    });
  }

  @ParameterizedTest
  @CsvSource({
      "9223372036854775808, units",
      "-9223372036854775809, units",
      "8Ei, units",
      "1e19, units",
      "9e999, units",
      "9223372036854775807.5, units",
      "1E, milli-units",
      "9223372036854776, milli-units",
  })
  void refusesToOverflowALong(String text, String unit) {
    Quantity q = Quantity.parse(text);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> {
      long unused = unit.equals("units") ? q.value() : q.milliValue();
    });
    assertEquals("quantity \"" + text + "\" does not fit in a 64-bit integer of " + unit, e.getMessage());
  }

  @ParameterizedTest(name = "{0} {1} {2} = {3}")
  @CsvSource({
      "100m, +, 150m, 250m",
      "1,    +, 500m, 1500m",
      "1n,   +, 1,    1000000001n",
      "1u,   +, 1,    1000001u",
      "1,    -, 1,    0",
      "1,    -, 2,    -1",
      "500m, -, 1,    -500m",
      "1Gi,  +, 1Gi,  2Gi",
      "1Gi,  +, 1Mi,  1025Mi",
      "1Ki,  -, 3Ki,  -2Ki",
      "1000, +, 24,   1Ki",
      "512,  +, 512,  1Ki",
      "1536, +, 0,    1536",
      "1k,   +, 1,    1001",
      "2e3,  +, 0,    2000",
      "1023, +, 0,    1023",
      "1Ei,  +, 1Ei,  2Ei",
      "512Ei, +, 512Ei, 1024Ei",
      "1.5Gi, -, 512Mi, 1Gi",
  })
  void computedQuantitiesPrintCanonically(String a, String op, String b, String expected) {
    Quantity x = Quantity.parse(a);
    Quantity y = Quantity.parse(b);
    Quantity result = op.equals("+") ? x.add(y) : x.subtract(y);
    assertEquals(expected, result.toString());
    assertEquals(result, Quantity.parse(expected));
    assertEquals(0, result.amount().compareTo(op.equals("+") ? x.amount().add(y.amount()) : x.amount().subtract(y.amount())));
  }

  @ParameterizedTest
  @CsvSource({"1Ki, 1024", "1, 1.000", "1000m, 1", "1e3, 1k", "0.5Gi, 512Mi", "0, -0", "0, 0Ki", "1n, 0.1n", "-1e-3, -1m"})
  void equalityIsByAmount(String a, String b) {
    Quantity x = Quantity.parse(a);
    Quantity y = Quantity.parse(b);
    assertEquals(x, y);
    assertEquals(x.hashCode(), y.hashCode());
    assertEquals(0, x.compareTo(y));
  }

  @ParameterizedTest
  @CsvSource({"1, 1001m", "1Ki, 1k", "1, -1", "1n, 2n"})
  void differentAmountsDiffer(String a, String b) {
    assertNotEquals(Quantity.parse(a), Quantity.parse(b));
  }

  @Test
  void ordersByAmount() {
    List<Quantity> sorted = new ArrayList<>(Stream.of("1Gi", "-1", "1G", "500m", "0", "1Mi", "1e6", "2n")
        .map(Quantity::parse).toList());
    sorted.sort(null);
    assertEquals(List.of("-1", "0", "2n", "500m", "1e6", "1Mi", "1G", "1Gi"), sorted.stream().map(Quantity::toString).toList());
  }

  @Test
  void signIsReported() {
    assertTrue(Quantity.parse("-1m").isNegative());
    assertFalse(Quantity.parse("-0").isNegative());
    assertFalse(Quantity.parse("1m").isNegative());
    assertTrue(Quantity.parse("1").subtract(Quantity.parse("2")).isNegative());
  }
}
