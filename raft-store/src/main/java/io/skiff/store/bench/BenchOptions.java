package io.skiff.store.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Command-line options of {@link StoreBenchmark}; {@link #parse} throws {@link UsageException} on bad input. */
final class BenchOptions {

  enum Op { PUT, RANGE }

  /** Where the benchmark's channels connect. */
  enum Target {
    /** Every channel to the Raft leader (found with Maintenance.Status), like etcd benchmark's --target-leader. */
    LEADER,
    /** Channel i to endpoint i mod n, like etcd benchmark with all members in --endpoints. */
    ALL
  }

  record Endpoint(String host, int port) {
    @Override
    public String toString() {
      return host + ":" + port;
    }
  }

  static final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }

  static final String USAGE = """
      usage: StoreBenchmark --endpoints host:port[,host:port...] [options]
             StoreBenchmark failover --help     (a Raft leader's failover: see StoreFailover)

      Drives an etcd v3 gRPC endpoint set (etcd or Skiff's store) with a closed-loop load:
      each client keeps exactly one request outstanding; clients are spread over the channels.

       --endpoints LIST          comma-separated host:port client endpoints (required)
       --op put|range            operation (default put)
       --conns N                 gRPC channels, i.e. TCP connections (default 1)
       --clients N               concurrent outstanding requests (default 1)
       --total N                 measured requests (default 10000 unless --duration-seconds)
       --duration-seconds S      measure for S seconds (with --total: whichever ends first)
       --warmup N                unmeasured requests before the measured run (default 0)
       --key-size N              key length in bytes; keys are zero-padded decimals (default 8)
       --val-size N              value length in bytes for puts (default 256)
       --key-space-size N        puts pick keys uniformly in [0, N) (default 100000)
       --range-key KEY           key read by --op range; seeded with one put first
                    (default: key 0, i.e. "00000000" for --key-size 8)
       --linearizable            ranges are linearizable (default)
       --serializable            ranges are serializable (served locally by each member)
       --target leader|all       leader: every channel to the Raft leader;
                    all: channel i to endpoint i mod n
                    (default: leader for put, all for range)
       --label NAME              label printed with the result (default bench)
       --timeout-ms N            per-request deadline (default 10000)
       --max-seconds S           hard bound on each phase, warmup and measured (default 300)
       --setup-timeout-seconds S how long to wait for a leader at start (default 30)

      Prints one human-readable line and one machine-readable line:
       RESULT label=.. op=.. clients=.. conns=.. requests=.. errors=.. seconds=.. rps=.. p50_ms=.. p90_ms=.. p99_ms=.. max_ms=..
      Exit status: 0 done; 1 usage or setup error; 2 the run did not finish in time; 3 every request failed.
      """;

  List<Endpoint> endpoints = new ArrayList<>();
  Op op = Op.PUT;
  int conns = 1;
  int clients = 1;
  long total = -1;
  double durationSeconds = 0;
  long warmup = 0;
  int keySize = 8;
  int valSize = 256;
  long keySpaceSize = 100_000;
  String rangeKey;
  boolean linearizable = true;
  Target target;
  String label = "bench";
  long timeoutMs = 10_000;
  double maxSeconds = 300;
  double setupTimeoutSeconds = 30;

  static BenchOptions parse(String[] args) throws UsageException {
    BenchOptions o = new BenchOptions();
    walk(args, Set.of("--linearizable", "--serializable"), o::set);
    o.validate();
    return o;
  }

  /** Takes one option of a command line: its name, and its value (null for a switch). */
  interface OptionSink {
    void set(String name, String value) throws UsageException;
  }

  /**
   * Walks a command line of {@code --name value}, {@code --name=value} and {@code switches} (no
   * value), handing each option to {@code sink}; -h/--help is a UsageException with no message.
   */
  static void walk(String[] args, Set<String> switches, OptionSink sink) throws UsageException {
    for (int i = 0; i < args.length; i++) {
      String name = args[i];
      String value = null;
      int eq = name.indexOf('=');
      if (name.startsWith("--") && eq > 0) {
        value = name.substring(eq + 1);
        name = name.substring(0, eq);
      }
      if (name.equals("-h") || name.equals("--help")) {
        throw new UsageException("");
      }
      if (value == null && !switches.contains(name)) {
        if (i + 1 >= args.length) {
          throw new UsageException("missing value for " + name);
        }
        value = args[++i];
      }
      sink.set(name, value);
    }
  }

  private void set(String name, String value) throws UsageException {
    switch (name) {
      case "--linearizable" -> linearizable = true;
      case "--serializable" -> linearizable = false;
      case "--endpoints" -> endpoints = parseEndpoints(value);
      case "--op" -> op = switch (value.toLowerCase(Locale.ROOT)) {
        case "put" -> Op.PUT;
        case "range" -> Op.RANGE;
        default -> throw new UsageException("--op must be put or range, not " + value);
      };
      case "--conns" -> conns = (int) positive(name, value, Integer.MAX_VALUE);
      case "--clients" -> clients = (int) positive(name, value, Integer.MAX_VALUE);
      case "--total" -> total = positive(name, value, Long.MAX_VALUE);
      case "--duration-seconds" -> durationSeconds = positiveSeconds(name, value);
      case "--warmup" -> warmup = nonNegative(name, value);
      case "--key-size" -> keySize = (int) positive(name, value, 1 << 20);
      case "--val-size" -> valSize = (int) nonNegativeBounded(name, value, 1 << 24);
      case "--key-space-size" -> keySpaceSize = positive(name, value, Long.MAX_VALUE);
      case "--range-key" -> rangeKey = value;
      case "--target" -> target = switch (value.toLowerCase(Locale.ROOT)) {
        case "leader" -> Target.LEADER;
        case "all" -> Target.ALL;
        default -> throw new UsageException("--target must be leader or all, not " + value);
      };
      case "--label" -> label = value;
      case "--timeout-ms" -> timeoutMs = positive(name, value, Long.MAX_VALUE);
      case "--max-seconds" -> maxSeconds = positiveSeconds(name, value);
      case "--setup-timeout-seconds" -> setupTimeoutSeconds = positiveSeconds(name, value);
      default -> throw new UsageException("unknown option " + name);
    }
  }

  private void validate() throws UsageException {
    if (endpoints.isEmpty()) {
      throw new UsageException("--endpoints is required");
    }
    if (total < 0 && durationSeconds == 0) {
      total = 10_000;
    } else if (total < 0) {
      total = Long.MAX_VALUE;
    }
    if (target == null) {
      target = op == Op.PUT ? Target.LEADER : Target.ALL;
    }
    if (String.valueOf(keySpaceSize - 1).length() > keySize) {
      throw new UsageException("--key-space-size " + keySpaceSize + " needs keys longer than --key-size " + keySize);
    }
    if (label.isEmpty() || label.chars().anyMatch(Character::isWhitespace)) {
      throw new UsageException("--label must be one word");
    }
  }

  static List<Endpoint> parseEndpoints(String value) throws UsageException {
    List<Endpoint> list = new ArrayList<>();
    for (String part : value.split(",")) {
      String s = part.trim();
      if (s.isEmpty()) {
        continue;
      }
      // accept etcdctl-style URLs too: http://127.0.0.1:2379
      int scheme = s.indexOf("://");
      if (scheme >= 0) {
        s = s.substring(scheme + 3);
      }
      int colon = s.lastIndexOf(':');
      if (colon <= 0 || colon == s.length() - 1) {
        throw new UsageException("endpoint must be host:port, not " + part);
      }
      String host = s.substring(0, colon);
      if (host.startsWith("[") && host.endsWith("]")) {
        host = host.substring(1, host.length() - 1);
      }
      int port;
      try {
        port = Integer.parseInt(s.substring(colon + 1));
      } catch (NumberFormatException e) {
        throw new UsageException("bad port in endpoint " + part);
      }
      if (port < 1 || port > 65535) {
        throw new UsageException("bad port in endpoint " + part);
      }
      list.add(new Endpoint(host, port));
    }
    return list;
  }

  private static long parseLong(String name, String value) throws UsageException {
    try {
      return Long.parseLong(value.replace("_", ""));
    } catch (NumberFormatException e) {
      throw new UsageException(name + " needs a whole number, not " + value);
    }
  }

  static long positive(String name, String value, long max) throws UsageException {
    long v = parseLong(name, value);
    if (v < 1 || v > max) {
      throw new UsageException(name + " must be between 1 and " + max + ", not " + value);
    }
    return v;
  }

  private static long nonNegative(String name, String value) throws UsageException {
    return nonNegativeBounded(name, value, Long.MAX_VALUE);
  }

  static long nonNegativeBounded(String name, String value, long max) throws UsageException {
    long v = parseLong(name, value);
    if (v < 0 || v > max) {
      throw new UsageException(name + " must be between 0 and " + max + ", not " + value);
    }
    return v;
  }

  static double positiveSeconds(String name, String value) throws UsageException {
    double v;
    try {
      v = Double.parseDouble(value);
    } catch (NumberFormatException e) {
      throw new UsageException(name + " needs a number of seconds, not " + value);
    }
    if (!(v > 0) || Double.isInfinite(v)) {
      throw new UsageException(name + " must be positive, not " + value);
    }
    return v;
  }
}
