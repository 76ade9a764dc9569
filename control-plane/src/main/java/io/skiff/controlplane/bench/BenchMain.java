package io.skiff.controlplane.bench;

import io.grpc.StatusRuntimeException;
import io.skiff.store.server.Flags;
import java.util.Arrays;
import java.util.Set;
import java.util.function.Function;

/**
 * The command line the benchmark clients share: {@code MODE --flag value ...}; the usage text when
 * there is no mode or with --help; exit status 1 for a usage or setup error, else what the mode
 * returns; the channels the mode opened closed on the way out.
 */
final class BenchMain {
  private static final String LOGBACK_CONFIG = "io/skiff/store/bench/logback-bench.xml";

  /** A client's modes, built from its flags (IllegalArgumentException for a bad one). */
  interface Bench {
    /** Runs one mode; returns the process's exit status. */
    int run(String mode, ApiConnections connections) throws InterruptedException;

    /** How its channels reach the masters: plaintext unless the client takes TLS flags. */
    default ChannelSecurity channelSecurity() {
      return ChannelSecurity.plaintext();
    }
  }

  private BenchMain() {
  }

  static void run(String tool, String usage, Set<String> flagNames, String[] args, Function<Flags, Bench> build)
      throws InterruptedException {
    if (System.getProperty("logback.configurationFile") == null) {
      System.setProperty("logback.configurationFile", LOGBACK_CONFIG);
    }
    if (args.length == 0 || args[0].startsWith("-")) {
      System.out.print(usage);
      System.exit(args.length == 0 ? 1 : 0);
    }
    int code;
    try {
      Flags flags = Flags.parse(Arrays.copyOfRange(args, 1, args.length), flagNames);
      if (flags.help()) {
        System.out.print(usage);
        return;
      }
      Bench bench = build.apply(flags);
      try (ApiConnections connections = new ApiConnections(bench.channelSecurity())) {
        code = bench.run(args[0], connections);
      }
    } catch (IllegalArgumentException e) {
      System.err.println(tool + ": " + e.getMessage() + " (see --help)");
      code = 1;
    } catch (StatusRuntimeException e) {
      System.err.println(tool + ": setup failed: " + e.getStatus());
      code = 1;
    }
    System.exit(code);
  }
}
