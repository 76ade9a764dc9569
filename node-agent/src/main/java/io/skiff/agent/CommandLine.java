package io.skiff.agent;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/** A command line of {@code --name value} or {@code --name=value} flags, each known in advance. */
public final class CommandLine {
  private CommandLine() {
  }

  /** The values by flag; null when the user asked for help; IllegalArgumentException naming what is wrong. */
  public static Map<String, String> parse(String[] args, Set<String> known) {
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
      } else if (i + 1 < args.length) {
        value = args[++i];
      } else {
        throw new IllegalArgumentException(arg + " needs a value");
      }
      if (!known.contains(name)) {
        throw new IllegalArgumentException("unknown flag " + name);
      }
      values.put(name, value);
    }
    return values;
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
