package io.skiff.store.server;

import io.skiff.store.PeerSpec;
import io.skiff.store.StoreConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The store server's command line. Unknown or malformed flags are errors that name the flag. */
record ServerFlags(StoreConfig config, String listenClient, boolean help) {
  static final String USAGE = """
      usage: skiff-store --id ID --peers ID=RAFT_HOST:PORT[/CLIENT_HOST:PORT],... --data-dir DIR [options]
        --id ID                       this peer's id, one of --peers
        --peers LIST                  every peer: id=raftHost:raftPort/clientHost:clientPort, comma-separated
        --data-dir DIR                where the Raft log and snapshots live
        --cluster-name NAME           cluster name, gives the cluster and member ids (default skiff)
        --listen-client HOST:PORT     where to serve etcd clients (default: this peer's client address)
        --snapshot-threshold N        log entries between snapshots (default 10000)
        --log-segment-bytes N         Raft log segment size; the log is purged by segments (default 32 MiB)
        --election-timeout-ms MS      minimum election timeout (default 1000)
        --quota-bytes N               storage quota (default 2 GiB)
        --max-request-bytes N         largest request (default 1.5 MiB)
        --max-txn-ops N               most operations in a txn (default 128)
        --watch-progress-interval-ms MS  progress notification interval (default 600000)
      """;

  private static final Set<String> VALUED = Set.of("--id", "--peers", "--data-dir", "--cluster-name",
      "--listen-client", "--snapshot-threshold", "--election-timeout-ms", "--quota-bytes",
      "--max-request-bytes", "--max-txn-ops", "--log-segment-bytes", "--watch-progress-interval-ms");

  static ServerFlags parse(String[] args) {
    Map<String, String> values = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (arg.equals("-h") || arg.equals("--help")) {
        return new ServerFlags(null, "", true);
      }
      String name = arg;
      String value = null;
      int eq = arg.indexOf('=');
      if (arg.startsWith("--") && eq > 0) {
        name = arg.substring(0, eq);
        value = arg.substring(eq + 1);
      }
      if (!VALUED.contains(name)) {
        throw new IllegalArgumentException("unknown flag " + name);
      }
      if (value == null) {
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException("flag " + name + " needs a value");
        }
        value = args[++i];
      }
      values.put(name, value);
    }
    String id = require(values, "--id");
    List<PeerSpec> peers = PeerSpec.parseList(require(values, "--peers"));
    Path dataDir = Path.of(require(values, "--data-dir"));
    StoreConfig defaults = StoreConfig.defaults(id, peers, dataDir);
    StoreConfig config = defaults.toBuilder()
        .clusterName(values.getOrDefault("--cluster-name", defaults.clusterName()))
        .maxRequestBytes((int) number(values, "--max-request-bytes", defaults.maxRequestBytes()))
        .maxTxnOps((int) number(values, "--max-txn-ops", defaults.maxTxnOps()))
        .quotaBytes(number(values, "--quota-bytes", defaults.quotaBytes()))
        .snapshotThreshold(number(values, "--snapshot-threshold", defaults.snapshotThreshold()))
        .logSegmentBytes(number(values, "--log-segment-bytes", defaults.logSegmentBytes()))
        .electionTimeout(Duration.ofMillis(number(values, "--election-timeout-ms", defaults.electionTimeout().toMillis())))
        .watchProgressInterval(Duration.ofMillis(
            number(values, "--watch-progress-interval-ms", defaults.watchProgressInterval().toMillis())))
        .build();
    String listen = values.getOrDefault("--listen-client", "");
    if (listen.isEmpty() && config.self().clientAddress().isEmpty()) {
      throw new IllegalArgumentException("peer " + id + " has no client address: give one in --peers or --listen-client");
    }
    return new ServerFlags(config, listen, false);
  }

  private static String require(Map<String, String> values, String flag) {
    String v = values.get(flag);
    if (v == null || v.isBlank()) {
      throw new IllegalArgumentException("missing required flag " + flag);
    }
    return v;
  }

  private static long number(Map<String, String> values, String flag, long fallback) {
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
}
