package io.skiff.controlplane.validation;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Kubernetes' name and identifier checks ({@code k8s.io/apimachinery/pkg/util/validation}),
 * with its messages word for word. Each returns what is wrong, empty when the value is valid.
 */
public final class Names {
  private static final int DNS1123_SUBDOMAIN_MAX_LENGTH = 253;
  private static final int DNS1123_LABEL_MAX_LENGTH = 63;
  private static final int LABEL_NAME_MAX_LENGTH = 63;
  private static final int LABEL_VALUE_MAX_LENGTH = 63;
  private static final int PORT_NAME_MAX_LENGTH = 15;

  private static final String DNS1123_LABEL_FMT = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
  private static final String DNS1123_LABEL_MSG =
      "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-',"
          + " and must start and end with an alphanumeric character";
  private static final String DNS1123_SUBDOMAIN_FMT = DNS1123_LABEL_FMT + "(\\." + DNS1123_LABEL_FMT + ")*";
  private static final String DNS1123_SUBDOMAIN_MSG =
      "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.',"
          + " and must start and end with an alphanumeric character";
  private static final String LABEL_NAME_FMT = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
  private static final String LABEL_NAME_MSG =
      "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
  private static final String LABEL_VALUE_FMT = "(" + LABEL_NAME_FMT + ")?";
  private static final String LABEL_VALUE_MSG =
      "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.',"
          + " and must start and end with an alphanumeric character";
  private static final String ENV_VAR_NAME_FMT = "[-._a-zA-Z][-._a-zA-Z0-9]*";
  private static final String ENV_VAR_NAME_MSG =
      "a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.',"
          + " and must not start with a digit";

  // The messages quote Kubernetes' regexes; matching uses equivalent ones written as runs with
  // possessive quantifiers, because java.util.regex backtracks (RE2, which Go uses, does not) and
  // the originals take quadratic time on a long near-miss.
  private static final String DNS1123_LABEL_RUNS = "[a-z0-9]++(?:-++[a-z0-9]++)*+";
  private static final Pattern DNS1123_LABEL = Pattern.compile(DNS1123_LABEL_RUNS);
  private static final Pattern DNS1123_SUBDOMAIN =
      Pattern.compile(DNS1123_LABEL_RUNS + "(?:\\." + DNS1123_LABEL_RUNS + ")*+");
  private static final Pattern LABEL_NAME = Pattern.compile("[A-Za-z0-9]++(?:[-_.]++[A-Za-z0-9]++)*+");
  private static final Pattern LABEL_VALUE = Pattern.compile("(?:" + LABEL_NAME.pattern() + ")?+");
  private static final Pattern ENV_VAR_NAME = Pattern.compile(ENV_VAR_NAME_FMT);
  private static final Pattern PORT_NAME_CHARSET = Pattern.compile("[-a-z0-9]+");
  private static final Pattern ONE_LETTER = Pattern.compile("[a-z]");

  private Names() {}

  /** A DNS subdomain (RFC 1123), as most object names are: {@code example.com}. */
  public static List<String> dns1123Subdomain(String value) {
    List<String> errs = new ArrayList<>();
    if (length(value) > DNS1123_SUBDOMAIN_MAX_LENGTH) {
      errs.add(maxLenError(DNS1123_SUBDOMAIN_MAX_LENGTH));
    }
    if (!DNS1123_SUBDOMAIN.matcher(value).matches()) {
      errs.add(regexError(DNS1123_SUBDOMAIN_MSG, DNS1123_SUBDOMAIN_FMT, "example.com"));
    }
    return errs;
  }

  /** A DNS label (RFC 1123), as namespace names are: {@code my-name}. */
  public static List<String> dns1123Label(String value) {
    List<String> errs = new ArrayList<>();
    if (length(value) > DNS1123_LABEL_MAX_LENGTH) {
      errs.add(maxLenError(DNS1123_LABEL_MAX_LENGTH));
    }
    if (!DNS1123_LABEL.matcher(value).matches()) {
      // A valid subdomain of the right length can only have failed on its dots; say so.
      errs.add(DNS1123_SUBDOMAIN.matcher(value).matches()
          ? "must not contain dots"
          : regexError(DNS1123_LABEL_MSG, DNS1123_LABEL_FMT, "my-name", "123-abc"));
    }
    return errs;
  }

  /** A label or annotation key (Kubernetes' qualified name): an optional DNS subdomain prefix and '/', then a name. */
  public static List<String> labelKey(String value) {
    List<String> errs = new ArrayList<>();
    String[] parts = value.split("/", -1);
    String name;
    switch (parts.length) {
      case 1 -> name = parts[0];
      case 2 -> {
        String prefix = parts[0];
        name = parts[1];
        if (prefix.isEmpty()) {
          errs.add("prefix part must be non-empty");
        } else {
          dns1123Subdomain(prefix).forEach(e -> errs.add("prefix part " + e));
        }
      }
      default -> {
        errs.add("a qualified name " + regexError(LABEL_NAME_MSG, LABEL_NAME_FMT, "MyName", "my.name", "123-abc")
            + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')");
        return errs;
      }
    }
    if (name.isEmpty()) {
      errs.add("name part must be non-empty");
    } else if (length(name) > LABEL_NAME_MAX_LENGTH) {
      errs.add("name part " + maxLenError(LABEL_NAME_MAX_LENGTH));
    }
    if (!LABEL_NAME.matcher(name).matches()) {
      errs.add("name part " + regexError(LABEL_NAME_MSG, LABEL_NAME_FMT, "MyName", "my.name", "123-abc"));
    }
    return errs;
  }

  /** A label value: empty, or up to 63 alphanumerics, '-', '_' and '.', starting and ending with an alphanumeric. */
  public static List<String> labelValue(String value) {
    List<String> errs = new ArrayList<>();
    if (length(value) > LABEL_VALUE_MAX_LENGTH) {
      errs.add(maxLenError(LABEL_VALUE_MAX_LENGTH));
    }
    if (!LABEL_VALUE.matcher(value).matches()) {
      errs.add(regexError(LABEL_VALUE_MSG, LABEL_VALUE_FMT, "MyValue", "my_value", "12345"));
    }
    return errs;
  }

  /** An environment variable name, as Kubernetes' IsEnvVarName (not the relaxed, feature-gated check). */
  public static List<String> envVarName(String value) {
    List<String> errs = new ArrayList<>();
    if (!ENV_VAR_NAME.matcher(value).matches()) {
      errs.add(regexError(ENV_VAR_NAME_MSG, ENV_VAR_NAME_FMT, "my.env-name", "MY_ENV.NAME", "MyEnvName1"));
    }
    // The name may end up as a file name (e.g. in a projected volume), so it must not walk the tree.
    if (value.equals(".")) {
      errs.add("must not be '.'");
    } else if (value.equals("..")) {
      errs.add("must not be '..'");
    } else if (value.startsWith("..")) {
      errs.add("must not start with '..'");
    }
    return errs;
  }

  /** A port name (IANA_SVC_NAME, RFC 6335), lower-case only as in Kubernetes: {@code http}, {@code metrics-2}. */
  public static List<String> portName(String value) {
    List<String> errs = new ArrayList<>();
    if (length(value) > PORT_NAME_MAX_LENGTH) {
      errs.add(maxLenError(PORT_NAME_MAX_LENGTH));
    }
    if (!PORT_NAME_CHARSET.matcher(value).matches()) {
      errs.add("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)");
    }
    if (!ONE_LETTER.matcher(value).find()) {
      errs.add("must contain at least one letter (a-z)");
    }
    if (value.contains("--")) {
      errs.add("must not contain consecutive hyphens");
    }
    if (value.startsWith("-") || value.endsWith("-")) {
      errs.add("must not begin or end with a hyphen");
    }
    return errs;
  }

  // Kubernetes measures lengths in UTF-8 bytes (Go's len); so do we, for the same verdict on non-ASCII input.
  private static int length(String value) {
    return value.getBytes(StandardCharsets.UTF_8).length;
  }

  private static String maxLenError(int max) {
    return "must be no more than " + max + " characters";
  }

  // Reproduces Kubernetes' RegexError byte for byte, including the double space before each " or".
  private static String regexError(String msg, String regex, String... examples) {
    StringBuilder s = new StringBuilder(msg).append(" (e.g. ");
    for (int i = 0; i < examples.length; i++) {
      if (i > 0) {
        s.append(" or ");
      }
      s.append('\'').append(examples[i]).append("', ");
    }
    return s.append("regex used for validation is '").append(regex).append("')").toString();
  }
}
