package io.skiff.controlplane.master;

import io.skiff.store.PeerSpec;
import io.skiff.store.StoreConfig;
import io.skiff.store.server.Flags;
import io.skiff.store.server.ServerFlags;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.HashSet;
import java.util.Set;

/** The master's command line (or the same settings in a --config file). */
final class MasterFlags {
  static final String USAGE = """
      usage: skiff-master --id ID --peers ID=RAFT_HOST:PORT/CLIENT_HOST:PORT,... --data-dir DIR [options]
        --config FILE                 settings as `name = value` lines (names without dashes); flags win
        --id ID                       this master's id, one of --peers
        --peers LIST                  every master's store peer: id=raftHost:raftPort/clientHost:clientPort
        --data-dir DIR                where the store keeps its Raft log and snapshots
        --api-address HOST:PORT       where the Skiff API listens (default 0.0.0.0:6443)
        --cluster-name NAME           cluster name (default skiff)
        --max-object-bytes N          largest object (default 1 MiB)
        --watch-cache-events N        recent events kept per kind for resuming watches (default 20000)
        --bookmark-interval-ms MS     how often idle watches get a BOOKMARK (default 5000)
        --compaction-interval-s S     store history kept and compacted per interval (default 300)
        --snapshot-threshold N        store log entries between snapshots (default 10000)
        --election-timeout-ms MS      minimum Raft election timeout (default 300)
        --quota-bytes N               store quota (default 2 GiB)
        --controllers true|false      campaign to run the scheduler and controllers (default true)
        --leader-lease-ms MS          controller leader lease; takeover within about this (default 3000)
        --node-monitor-grace-period-s S  a node silent this long is NotReady (default 40)
        --pod-eviction-timeout-s S    pods leave a NotReady node after this (default 300)
        --join                        start as a new master of a running cluster, with no data, and wait to be
                                      added (skiff cluster add-member); --peers then names only this master
        --insecure                    plaintext, no authentication: every caller is cluster-admin (tests, demos)
        --pki-dir DIR                 the cluster CA and this master's certificates (default DATA_DIR/pki)
        --tls-san NAME,...            more names and addresses for this master's certificate
        --restore-snapshot FILE       start a new cluster from a backup (skiff cluster snapshot save): only into
                                      an empty --data-dir; every master of the new cluster restores the same file
      """;

  private static final Set<String> MASTER_FLAGS = Set.of("--api-address", "--max-object-bytes",
      "--watch-cache-events", "--bookmark-interval-ms", "--compaction-interval-s", "--controllers", "--leader-lease-ms",
      "--node-monitor-grace-period-s", "--pod-eviction-timeout-s", "--pki-dir", "--tls-san");

  private MasterFlags() {
  }

  /** Null when the user asked for help. */
  static MasterConfig parse(String[] args) {
    Set<String> known = new HashSet<>(ServerFlags.STORE_FLAGS);
    known.addAll(MASTER_FLAGS);
    Flags flags = Flags.parse(args, known, ServerFlags.SWITCHES);
    if (flags.help()) {
      return null;
    }
    StoreConfig store = ServerFlags.storeConfig(flags);
    if (store.self().clientAddress().isEmpty()) {
      throw new IllegalArgumentException("peer " + store.id() + " has no client address in --peers (id=raft/client)");
    }
    String api = flags.string("--api-address", "0.0.0.0:" + MasterConfig.DEFAULT_API_PORT);
    MasterConfig defaults = MasterConfig.defaults(store, new InetSocketAddress(PeerSpec.host(api), PeerSpec.port(api)));
    int events = (int) flags.positive("--watch-cache-events", defaults.watchCache().capacity());
    String controllers = flags.string("--controllers", "true");
    if (!controllers.equals("true") && !controllers.equals("false")) {
      throw new IllegalArgumentException("--controllers must be true or false, not \"" + controllers + "\"");
    }
    return defaults
        .withSecurity(new MasterSecurity(flags.bool("--insecure"),
            Path.of(flags.string("--pki-dir", store.dataDir().resolve("pki").toString())), sans(flags)))
        .withStorage((int) flags.positive("--max-object-bytes", defaults.maxObjectBytes()),
            new io.skiff.controlplane.watch.WatchCacheSettings(events, events, Duration.ofMillis(
                flags.positive("--bookmark-interval-ms", defaults.watchCache().bookmarkInterval().toMillis()))),
            Duration.ofSeconds(flags.positive("--compaction-interval-s", defaults.compactionInterval().toSeconds())))
        .withControllers(controllers.equals("true"),
            defaults.election().withLeaseDuration(Duration.ofMillis(
                flags.positive("--leader-lease-ms", defaults.election().leaseDuration().toMillis()))),
            defaults.controllers().withNodeTimeouts(
                Duration.ofSeconds(flags.positive("--node-monitor-grace-period-s",
                    defaults.controllers().nodeMonitorGracePeriod().toSeconds())),
                Duration.ofSeconds(flags.positive("--pod-eviction-timeout-s",
                    defaults.controllers().podEvictionTimeout().toSeconds()))));
  }

  private static List<String> sans(Flags flags) {
    return Arrays.stream(flags.string("--tls-san", "").split(",")).map(String::trim).filter(s -> !s.isEmpty())
        .toList();
  }
}
