package io.skiff.store.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * A server's command line: {@code --name value} or {@code --name=value}, each
 * name known in advance, plus {@code --config FILE} whose {@code name = value}
 * lines (names without dashes, {@code #} comments) give the same settings;
 * the command line wins. A switch (say {@code --join}) takes no value on the
 * command line ({@code --join=false} still may). Unknown or malformed flags are
 * errors naming the flag.
 */
public final class Flags {
  private final Map<String, String> values;
  private final boolean help;

  private Flags(Map<String, String> values, boolean help) {
    this.values = values;
    this.help = help;
  }

  public static Flags parse(String[] args, Set<String> known) {
    return parse(args, known, Set.of());
  }

  /** {@code switches} are among {@code known}. */
  public static Flags parse(String[] args, Set<String> known, Set<String> switches) {
    Map<String, String> values = new HashMap<>();
    String configFile = null;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (arg.equals("-h") || arg.equals("--help")) {
        return new Flags(Map.of(), true);
      }
      String name = arg;
      String value = null;
      int eq = arg.indexOf('=');
      if (arg.startsWith("--") && eq > 0) {
        name = arg.substring(0, eq);
        value = arg.substring(eq + 1);
      }
      if (!known.contains(name) && !name.equals("--config")) {
        throw new IllegalArgumentException("unknown flag " + name);
      }
      if (value == null && switches.contains(name)) {
        value = "true";
      }
      if (value == null) {
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException("flag " + name + " needs a value");
        }
        value = args[++i];
      }
      if (name.equals("--config")) {
        configFile = value;
      } else {
        values.put(name, value);
      }
    }
    if (configFile != null) {
      for (Map.Entry<String, String> setting : readConfig(Path.of(configFile), known).entrySet()) {
        values.putIfAbsent(setting.getKey(), setting.getValue());
      }
    }
    return new Flags(values, false);
  }

  private static Map<String, String> readConfig(Path file, Set<String> known) {
    Map<String, String> settings = new HashMap<>();
    try {
      int lineNumber = 0;
      for (String line : Files.readAllLines(file)) {
        lineNumber++;
        String text = line.strip();
        if (text.isEmpty() || text.startsWith("#")) {
          continue;
        }
        int eq = text.indexOf('=');
        String name = "--" + (eq < 0 ? text : text.substring(0, eq).strip());
        if (eq < 0 || !known.contains(name)) {
          throw new IllegalArgumentException(file + ":" + lineNumber + ": "
              + (eq < 0 ? "expected name = value" : "unknown setting " + name.substring(2)));
        }
        settings.put(name, text.substring(eq + 1).strip());
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read config file " + file + ": " + e.getMessage());
    }
    return settings;
  }

  public boolean help() {
    return help;
  }

  public String string(String flag, String fallback) {
    return values.getOrDefault(flag, fallback);
  }

  public String require(String flag) {
    String v = values.get(flag);
    if (v == null || v.isBlank()) {
      throw new IllegalArgumentException("missing required flag " + flag);
    }
    return v;
  }

  /** A switch or a true/false setting; false when absent. */
  public boolean bool(String flag) {
    String v = values.getOrDefault(flag, "false");
    if (!v.equals("true") && !v.equals("false")) {
      throw new IllegalArgumentException("flag " + flag + " is true or false, not '" + v + "'");
    }
    return v.equals("true");
  }

  public long positive(String flag, long fallback) {
    String v = values.get(flag);
    if (v == null) {
      return fallback;
    }
    try {
      long n = Long.parseLong(v);
      if (n <= 0) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("flag " + flag + " needs a positive number, got '" + v + "'");
    }
  }

  public long nonNegative(String flag, long fallback) {
    String v = values.get(flag);
    if (v == null) {
      return fallback;
    }
    try {
      long n = Long.parseLong(v);
      if (n < 0) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("flag " + flag + " needs a number of 0 or more, got '" + v + "'");
    }
  }
}
