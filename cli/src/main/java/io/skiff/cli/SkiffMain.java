package io.skiff.cli;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.skiff.cli.manifest.ManifestException;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.logging.Level;
import java.util.logging.Logger;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/**
 * The skiff command. {@link #run} runs one command line against the given
 * streams and returns the exit status (0, or 1 after an error), so tests can
 * run it in-process; {@link #main} is the process.
 *
 * <p>Errors are one line on stderr, "error: " and what went wrong, and exit
 * status 1; with -v, unexpected ones also get their stack trace.
 */
public final class SkiffMain {
  private SkiffMain() {
  }

  public static void main(String[] args) {
    boolean verbose = Arrays.stream(args).anyMatch(a -> a.equals("-v") || a.equals("--verbose"));
    String command = commandName(args);
    if ("server".equals(command) || "agent".equals(command)) {
      configureServerLogging(verbose);
    } else {
      configureLogging(verbose);
    }
    if (System.getenv("SKIFF_CDS_TRAINING") != null) {
      CdsTraining.run();
      System.exit(0);
    }
    int status = run(Cli.system(), args);
    System.out.flush();
    System.exit(status);
  }

  /** Runs one command line; never throws. */
  public static int run(Cli cli, String... args) {
    SkiffCommand root = new SkiffCommand(cli);
    try {
      return commandLine(root, commandName(args)).execute(args);
    } finally {
      root.close();
      cli.out().flush();
      cli.err().flush();
    }
  }

  /**
   * The parser for {@code root} with the command named {@code only}, or with
   * every command when {@code only} is null or names none (root help, usage
   * errors, completion).
   */
  public static CommandLine commandLine(SkiffCommand root, String only) {
    Cli cli = root.cli();
    CommandLine commandLine = new CommandLine(root);
    boolean one = only != null && SkiffCommand.COMMANDS.containsKey(only);
    for (var command : SkiffCommand.COMMANDS.entrySet()) {
      if (!one || command.getKey().equals(only)) {
        commandLine.addSubcommand(command.getKey(), command.getValue());
      }
    }
    if (cli == null) {
      return commandLine;
    }
    commandLine.setOut(cli.out());
    commandLine.setErr(cli.err());
    commandLine.setCaseInsensitiveEnumValuesAllowed(true);
    commandLine.setUsageHelpWidth(100);
    headings(commandLine);
    commandLine.setParameterExceptionHandler((e, args) -> {
      String command = e.getCommandLine().getCommandSpec().qualifiedName();
      cli.err().println("error: " + e.getMessage() + " (see '" + command + " --help')");
      return 1;
    });
    commandLine.setExecutionExceptionHandler(
        (Exception e, CommandLine failed, ParseResult parsed) -> report(e, root, cli.err()));
    return commandLine;
  }

  /** The first argument that is not a root option or its value: the command's name, or null. */
  static String commandName(String... args) {
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (arg.equals("--")) {
        return null;
      }
      if (!arg.startsWith("-")) {
        return arg;
      }
      if (!arg.contains("=") && SkiffCommand.VALUE_OPTIONS.contains(arg)) {
        i++;
      }
    }
    return null;
  }

  /** Every command's help in the same sections, as kubectl's: description, usage, options, examples. */
  private static void headings(CommandLine command) {
    var usage = command.getCommandSpec().usageMessage();
    usage.synopsisHeading("%nUsage: ").optionListHeading("%nOptions:%n");
    if (command.getCommandSpec().positionalParameters().stream().anyMatch(p -> p.description().length > 0)) {
      usage.parameterListHeading("%nArguments:%n");
    }
    if (!command.getSubcommands().isEmpty()) {
      usage.commandListHeading("%nCommands:%n");
    }
    command.getSubcommands().values().forEach(SkiffMain::headings);
  }

  private static int report(Exception e, SkiffCommand root, PrintWriter err) {
    if (e instanceof ManifestException m) {
      m.problems().forEach(p -> err.println("error: " + p));
    } else if (e instanceof CliException) {
      err.println("error: " + e.getMessage());
      if (root.verbose() && e.getCause() != null) {
        e.getCause().printStackTrace(err);
      }
    } else if (e instanceof StatusRuntimeException s) {
      err.println("error: " + ApiErrors.describe(Status.fromThrowable(s), root.sessionIfOpen()));
      if (root.verbose()) {
        s.printStackTrace(err);
      }
    } else {
      if (root.verbose()) {
        err.println("error: " + e);
        e.printStackTrace(err);
      } else {
        err.println("error: " + e + " (-v prints the stack trace)");
      }
    }
    err.flush();
    return 1;
  }

  /**
   * Quiet unless -v: slf4j-simple (the command's logger) at warn, gRPC's
   * java.util.logging off; with -v, Skiff's own at debug, the rest at info.
   */
  private static void configureLogging(boolean verbose) {
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", verbose ? "info" : "warn");
    System.setProperty("org.slf4j.simpleLogger.log.io.skiff", verbose ? "debug" : "warn");
    System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
    System.setProperty("org.slf4j.simpleLogger.showDateTime", "true");
    Logger.getLogger("").setLevel(verbose ? Level.INFO : Level.OFF);
  }

  /** The servers (skiff server, skiff agent) log what a master and an agent log, Ratis' chatter at warn. */
  private static void configureServerLogging(boolean verbose) {
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "info");
    System.setProperty("org.slf4j.simpleLogger.log.io.skiff", verbose ? "debug" : "info");
    System.setProperty("org.slf4j.simpleLogger.log.org.apache.ratis", "warn");
    System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
    System.setProperty("org.slf4j.simpleLogger.showDateTime", "true");
    System.setProperty("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSZ");
    System.setProperty("org.slf4j.simpleLogger.showShortLogName", "true");
    Logger.getLogger("").setLevel(Level.WARNING);
  }
}
