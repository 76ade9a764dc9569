package io.skiff.controlplane.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class NamesTest {
  private static final Map<String, Function<String, List<String>>> CHECKS = Map.of(
      "dns1123Subdomain", Names::dns1123Subdomain,
      "dns1123Label", Names::dns1123Label,
      "labelKey", Names::labelKey,
      "labelValue", Names::labelValue,
      "envVarName", Names::envVarName,
      "portName", Names::portName);

  private static final String SUBDOMAIN_REGEX_ERROR = "a lowercase RFC 1123 subdomain must consist of lower case"
      + " alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character"
      + " (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
  private static final String LABEL_REGEX_ERROR = "a lowercase RFC 1123 label must consist of lower case alphanumeric"
      + " characters or '-', and must start and end with an alphanumeric character"
      + " (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
  private static final String NAME_PART_REGEX_ERROR = "name part must consist of alphanumeric characters, '-', '_' or '.',"
      + " and must start and end with an alphanumeric character"
      + " (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
  private static final String LABEL_VALUE_REGEX_ERROR = "a valid label must be an empty string or consist of alphanumeric"
      + " characters, '-', '_' or '.', and must start and end with an alphanumeric character"
      + " (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
  private static final String ENV_VAR_REGEX_ERROR = "a valid environment variable name must consist of alphabetic"
      + " characters, digits, '_', '-', or '.', and must not start with a digit"
      + " (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or 'MyEnvName1', regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')";

  static Stream<Arguments> verdicts() {
    String label63 = "a".repeat(63);
    String subdomain253 = label63 + "." + label63 + "." + label63 + "." + "b".repeat(61);
    return Stream.of(
        // check, value, valid
        Arguments.of("dns1123Subdomain", "a", true),
        Arguments.of("dns1123Subdomain", "0", true),
        Arguments.of("dns1123Subdomain", "example.com", true),
        Arguments.of("dns1123Subdomain", "a-b.c--d.123", true),
        Arguments.of("dns1123Subdomain", subdomain253, true),
        Arguments.of("dns1123Subdomain", subdomain253 + "b", false),
        Arguments.of("dns1123Subdomain", "", false),
        Arguments.of("dns1123Subdomain", "Example.com", false),
        Arguments.of("dns1123Subdomain", "-a", false),
        Arguments.of("dns1123Subdomain", "a-", false),
        Arguments.of("dns1123Subdomain", "a-.b", false),
        Arguments.of("dns1123Subdomain", ".a", false),
        Arguments.of("dns1123Subdomain", "a.", false),
        Arguments.of("dns1123Subdomain", "a..b", false),
        Arguments.of("dns1123Subdomain", "a_b", false),
        Arguments.of("dns1123Subdomain", "a b", false),
        Arguments.of("dns1123Subdomain", "a\n", false),
        Arguments.of("dns1123Subdomain", "café", false),
        Arguments.of("dns1123Label", "a", true),
        Arguments.of("dns1123Label", "my-name", true),
        Arguments.of("dns1123Label", "123-abc", true),
        Arguments.of("dns1123Label", label63, true),
        Arguments.of("dns1123Label", label63 + "a", false),
        Arguments.of("dns1123Label", "", false),
        Arguments.of("dns1123Label", "a.b", false),
        Arguments.of("dns1123Label", "My-name", false),
        Arguments.of("dns1123Label", "-a", false),
        Arguments.of("dns1123Label", "a-", false),
        Arguments.of("dns1123Label", "a_b", false),
        Arguments.of("labelKey", "a", true),
        Arguments.of("labelKey", "A", true),
        Arguments.of("labelKey", "MyName", true),
        Arguments.of("labelKey", "my.name_with-all", true),
        Arguments.of("labelKey", "123-abc", true),
        Arguments.of("labelKey", "example.com/MyName", true),
        Arguments.of("labelKey", "app.kubernetes.io/name", true),
        Arguments.of("labelKey", label63, true),
        Arguments.of("labelKey", subdomain253 + "/" + label63, true),
        Arguments.of("labelKey", label63 + "a", false),
        Arguments.of("labelKey", subdomain253 + "b/a", false),
        Arguments.of("labelKey", "", false),
        Arguments.of("labelKey", "/a", false),
        Arguments.of("labelKey", "a/", false),
        Arguments.of("labelKey", "a/b/c", false),
        Arguments.of("labelKey", "Example.com/a", false),
        Arguments.of("labelKey", "-a", false),
        Arguments.of("labelKey", "a_", false),
        Arguments.of("labelKey", "a b", false),
        Arguments.of("labelKey", "a=b", false),
        Arguments.of("labelKey", "ключ", false),
        Arguments.of("labelValue", "", true),
        Arguments.of("labelValue", "a", true),
        Arguments.of("labelValue", "MyValue", true),
        Arguments.of("labelValue", "my_value", true),
        Arguments.of("labelValue", "12345", true),
        Arguments.of("labelValue", "a.b-c_D", true),
        Arguments.of("labelValue", label63, true),
        Arguments.of("labelValue", label63 + "a", false),
        Arguments.of("labelValue", "-a", false),
        Arguments.of("labelValue", "a.", false),
        Arguments.of("labelValue", "a b", false),
        Arguments.of("labelValue", " ", false),
        Arguments.of("labelValue", "a/b", false),
        Arguments.of("labelValue", "\"a\"", false),
        Arguments.of("labelValue", "värde", false),
        Arguments.of("envVarName", "A", true),
        Arguments.of("envVarName", "my.env-name", true),
        Arguments.of("envVarName", "MY_ENV.NAME", true),
        Arguments.of("envVarName", "MyEnvName1", true),
        Arguments.of("envVarName", "_", true),
        Arguments.of("envVarName", "-", true),
        Arguments.of("envVarName", ".a", true),
        Arguments.of("envVarName", "a..", true),
        Arguments.of("envVarName", "", false),
        Arguments.of("envVarName", "1A", false),
        Arguments.of("envVarName", "A=B", false),
        Arguments.of("envVarName", "A B", false),
        Arguments.of("envVarName", ".", false),
        Arguments.of("envVarName", "..", false),
        Arguments.of("envVarName", "..a", false),
        Arguments.of("envVarName", "NAMÉ", false),
        Arguments.of("portName", "http", true),
        Arguments.of("portName", "a", true),
        Arguments.of("portName", "metrics-2", true),
        Arguments.of("portName", "h2c", true),
        Arguments.of("portName", "abcdefghijklmno", true),
        Arguments.of("portName", "abcdefghijklmnop", false),
        Arguments.of("portName", "", false),
        Arguments.of("portName", "HTTP", false),
        Arguments.of("portName", "8080", false),
        Arguments.of("portName", "-http", false),
        Arguments.of("portName", "http-", false),
        Arguments.of("portName", "ht--tp", false),
        Arguments.of("portName", "h_t", false),
        Arguments.of("portName", "web.", false));
  }

  @ParameterizedTest(name = "{0}({1}) valid={2}")
  @MethodSource("verdicts")
  void acceptsExactlyWhatKubernetesAccepts(String check, String value, boolean valid) {
    List<String> problems = CHECKS.get(check).apply(value);
    assertEquals(valid, problems.isEmpty(), () -> check + "(\"" + value + "\") gave " + problems);
  }

  static Stream<Arguments> messages() {
    return Stream.of(
        Arguments.of("dns1123Subdomain", "Example.com", List.of(SUBDOMAIN_REGEX_ERROR)),
        Arguments.of("dns1123Subdomain", "a".repeat(254), List.of("must be no more than 253 characters")),
        Arguments.of("dns1123Subdomain", "A".repeat(254), List.of("must be no more than 253 characters", SUBDOMAIN_REGEX_ERROR)),
        Arguments.of("dns1123Label", "a.b", List.of("must not contain dots")),
        Arguments.of("dns1123Label", "a_b", List.of(LABEL_REGEX_ERROR)),
        Arguments.of("dns1123Label", "a".repeat(64), List.of("must be no more than 63 characters")),
        Arguments.of("labelKey", "a_", List.of(NAME_PART_REGEX_ERROR)),
        Arguments.of("labelKey", "a/", List.of("name part must be non-empty", NAME_PART_REGEX_ERROR)),
        Arguments.of("labelKey", "/a", List.of("prefix part must be non-empty")),
        Arguments.of("labelKey", "Example.com/a", List.of("prefix part " + SUBDOMAIN_REGEX_ERROR)),
        Arguments.of("labelKey", "a".repeat(64), List.of("name part must be no more than 63 characters")),
        Arguments.of("labelKey", "a/b/c", List.of("a qualified name must consist of alphanumeric characters, '-', '_' or '.',"
            + " and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc',"
            + " regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"
            + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')")),
        Arguments.of("labelValue", "-a", List.of(LABEL_VALUE_REGEX_ERROR)),
        Arguments.of("labelValue", "a".repeat(64), List.of("must be no more than 63 characters")),
        Arguments.of("envVarName", "1A", List.of(ENV_VAR_REGEX_ERROR)),
        Arguments.of("envVarName", ".", List.of("must not be '.'")),
        Arguments.of("envVarName", "..", List.of("must not be '..'")),
        Arguments.of("envVarName", "..a", List.of("must not start with '..'")),
        Arguments.of("portName", "", List.of(
            "must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)", "must contain at least one letter (a-z)")),
        Arguments.of("portName", "-", List.of("must contain at least one letter (a-z)", "must not begin or end with a hyphen")),
        Arguments.of("portName", "a--", List.of("must not contain consecutive hyphens", "must not begin or end with a hyphen")),
        Arguments.of("portName", "abcdefghijklmnop", List.of("must be no more than 15 characters")));
  }

  @ParameterizedTest(name = "{0}({1})")
  @MethodSource("messages")
  void explainsProblemsInKubernetesWords(String check, String value, List<String> expected) {
    assertEquals(expected, CHECKS.get(check).apply(value));
  }

  @Test
  void measuresLengthInUtf8BytesLikeKubernetes() {
    // 32 two-byte characters: 32 characters, 64 bytes.
    assertTrue(Names.labelValue("é".repeat(32)).contains("must be no more than 63 characters"));
  }

  @Test
  void longNearMissesAreRejectedInLinearTime() {
    String nearMiss = "a-".repeat(100_000) + "!";
    assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
      for (Function<String, List<String>> check : CHECKS.values()) {
        assertFalse(check.apply(nearMiss).isEmpty());
        assertFalse(check.apply("a." + nearMiss).isEmpty());
      }
    });
  }
}
