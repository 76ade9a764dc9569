package io.skiff.agent;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * A command line of {@code --name value} or {@code --name=value} flags, each known in advance, and
 * of switches ({@code --insecure}, or {@code --insecure=false}), which take no value.
 */
public final class CommandLine {
  private CommandLine() {
  }

  /** The values by flag; null when the user asked for help; IllegalArgumentException naming what is wrong. */
  public static Map<String, String> parse(String[] args, Set<String> known) {
    return parse(args, known, Set.of());
  }

  /** As {@link #parse(String[], Set)}; a switch given without a value is "true". */
  public static Map<String, String> parse(String[] args, Set<String> known, Set<String> switches) {
    Map<String, String> values = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (arg.equals("--help") || arg.equals("-h")) {
        return null;
      }
      String name = arg;
      String value;
      int eq = arg.indexOf('=');
      if (eq > 0) {
        name = arg.substring(0, eq);
        value = arg.substring(eq + 1);
      } else if (switches.contains(arg)) {
        value = "true";
      } else if (i + 1 < args.length) {
        value = args[++i];
      } else {
        throw new IllegalArgumentException(arg + " needs a value");
      }
      if (!known.contains(name) && !switches.contains(name)) {
        throw new IllegalArgumentException("unknown flag " + name);
      }
      values.put(name, value);
    }
    return values;
  }

  /** A switch's value: false when not given, true when given bare or "=true". */
  public static boolean isSet(Map<String, String> values, String flag) {
    String value = values.getOrDefault(flag, "false");
    if (!value.equals("true") && !value.equals("false")) {
      throw new IllegalArgumentException(flag + "=" + value + ": expected true or false");
    }
    return value.equals("true");
  }

  /** The flag's value as a number, or {@code otherwise} when it is not given. */
  public static long number(Map<String, String> values, String flag, long otherwise) {
    String value = values.get(flag);
    if (value == null) {
      return otherwise;
    }
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(flag + " " + value + " is not a number");
    }
  }
}
