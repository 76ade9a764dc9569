package io.skiff.store.bench;

import io.skiff.store.bench.BenchOptions.Endpoint;
import io.skiff.store.bench.BenchOptions.UsageException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Command-line options of {@link StoreFailover}; {@link #parse} throws {@link UsageException} on bad input. */
final class FailoverOptions {

  static final String USAGE = """
      usage: StoreBenchmark failover --endpoints host:port,... --pids host:port=PID,... [options]

      One round of a Raft leader's failover (etcd or Skiff's store): finds the leader with
      Maintenance.Status, starts a stream of puts through the other members (one every --interval-ms,
      each sent without waiting for the others, round-robin), sends SIGKILL to the leader's process,
      and measures from the kill to the first acknowledged put sent after it, and to the first
      Maintenance.Status of a survivor that names a new leader. Restarting the killed member is the
      caller's.

       --endpoints LIST          every member's client endpoint, comma-separated (required)
       --pids LIST               host:port=PID for every endpoint: the process serving it (required)
       --round N                 the round's number, printed and used in the keys (default 1)
       --label NAME              printed with the result (default failover)
       --interval-ms N           between two puts of the stream (default 10)
       --timeout-ms N            each put's deadline (default 5000)
       --lead-in-ms N            the stream runs this long before the kill (default 500)
       --max-seconds S           bound on the whole round (default 60)

      Prints one human-readable line and one machine-readable line:
       RESULT label=.. round=.. killed=.. write_ms=.. leader_ms=.. sent=.. failed=.. via=.. new_leader=..
      Exit status: 0 done; 1 usage or setup error; 2 the round did not complete in time.
      """;

  List<Endpoint> endpoints = List.of();
  /** The pid serving each endpoint, in --pids order. */
  Map<Endpoint, Long> pids = new LinkedHashMap<>();
  int round = 1;
  String label = "failover";
  long intervalMs = 10;
  long timeoutMs = 5_000;
  long leadInMs = 500;
  double maxSeconds = 60;

  static FailoverOptions parse(String[] args) throws UsageException {
    FailoverOptions o = new FailoverOptions();
    BenchOptions.walk(args, Set.of(), o::set);
    o.validate();
    return o;
  }

  private void set(String name, String value) throws UsageException {
    switch (name) {
      case "--endpoints" -> endpoints = BenchOptions.parseEndpoints(value);
      case "--pids" -> pids = parsePids(value);
      case "--round" -> round = (int) BenchOptions.positive(name, value, Integer.MAX_VALUE);
      case "--label" -> label = value;
      case "--interval-ms" -> intervalMs = BenchOptions.positive(name, value, 60_000);
      case "--timeout-ms" -> timeoutMs = BenchOptions.positive(name, value, 600_000);
      case "--lead-in-ms" -> leadInMs = BenchOptions.nonNegativeBounded(name, value, 60_000);
      case "--max-seconds" -> maxSeconds = BenchOptions.positiveSeconds(name, value);
      default -> throw new UsageException("unknown option " + name);
    }
  }

  private static Map<Endpoint, Long> parsePids(String value) throws UsageException {
    Map<Endpoint, Long> pids = new LinkedHashMap<>();
    for (String pair : value.split(",")) {
      int eq = pair.lastIndexOf('=');
      if (eq <= 0 || !pair.substring(eq + 1).matches("[1-9][0-9]{0,9}")) {
        throw new UsageException("--pids wants host:port=PID,..., not " + pair);
      }
      Endpoint e = BenchOptions.parseEndpoints(pair.substring(0, eq)).get(0);
      if (pids.put(e, Long.parseLong(pair.substring(eq + 1))) != null) {
        throw new UsageException("--pids names " + e + " twice");
      }
    }
    return pids;
  }

  private void validate() throws UsageException {
    if (endpoints.size() < 3) {
      throw new UsageException("--endpoints needs at least three members (a leader to kill and a majority left), not "
          + endpoints.size());
    }
    for (Endpoint e : endpoints) {
      if (!pids.containsKey(e)) {
        throw new UsageException("--pids gives no pid for endpoint " + e);
      }
    }
    for (Endpoint e : pids.keySet()) {
      if (!endpoints.contains(e)) {
        throw new UsageException("--pids names " + e + ", which is not one of --endpoints");
      }
    }
    if (label.isEmpty() || label.chars().anyMatch(Character::isWhitespace)) {
      throw new UsageException("--label must be one word");
    }
    if (timeoutMs / 1000.0 + leadInMs / 1000.0 >= maxSeconds) {
      throw new UsageException("--max-seconds must leave room for --lead-in-ms and one put's --timeout-ms");
    }
  }
}
