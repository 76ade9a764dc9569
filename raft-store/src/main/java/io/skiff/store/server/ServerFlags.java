package io.skiff.store.server;

import io.skiff.pki.TlsFiles;
import io.skiff.store.PeerSpec;
import io.skiff.store.StoreConfig;
import io.skiff.store.StoreTls;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** The store server's command line. Unknown or malformed flags are errors that name the flag. */
public record ServerFlags(StoreConfig config, String listenClient, boolean help) {
  static final String USAGE = """
      usage: skiff-store --id ID --peers ID=RAFT_HOST:PORT[/CLIENT_HOST:PORT],... --data-dir DIR
                         (TLS FLAGS | --insecure) [options]
        --id ID                       this peer's id, one of --peers
        --peers LIST                  every peer: id=raftHost:raftPort/clientHost:clientPort, comma-separated
        --data-dir DIR                where the Raft log and snapshots live
        --cluster-name NAME           cluster name, gives the cluster and member ids (default skiff)
        --listen-client HOST:PORT     where to serve etcd clients (default: this peer's client address)
        --snapshot-threshold N        log entries between snapshots (default 10000)
        --log-segment-bytes N         Raft log segment size; the log is purged by segments (default 32 MiB)
        --election-timeout-ms MS      minimum election timeout (default 300)
        --quota-bytes N               storage quota (default 2 GiB)
        --max-request-bytes N         largest request (default 1.5 MiB)
        --max-txn-ops N               most operations in a txn (default 128)
        --watch-progress-interval-ms MS  progress notification interval (default 600000)
        --join                        start as a new member of a running cluster, with no data, and wait to
                                      be added (skiff cluster add-member, or etcdctl member add); --peers then
                                      needs to name only this peer
        --restore-snapshot FILE       start a new cluster from a backup (skiff cluster snapshot save, or
                                      etcdctl snapshot save): only into an empty --data-dir; every member of the
                                      new cluster restores the same file
      TLS (etcd's flags; all six together, PEM files):
        --cert-file FILE              the client port's serving certificate (the CA may follow the leaf)
        --key-file FILE               its private key
        --trusted-ca-file FILE        the CA that signs client certificates; clients must present one, in
                                      group (organization) system:masters
        --peer-cert-file FILE         this peer's Raft certificate: serves Raft and authenticates to the other
                                      peers; its subject alternative names must hold this peer's Raft host
                                      (IP literals as IP SANs), its organization system:masters
        --peer-key-file FILE          its private key
        --peer-trusted-ca-file FILE   the CA that signs every peer's certificate
        --insecure                    no TLS instead: Raft and the client port in plaintext, no client
                                      authentication (benchmarks against a plaintext etcd)
      """;

  /** The store's flags, shared with the master. */
  public static final Set<String> STORE_FLAGS = Set.of("--id", "--peers", "--data-dir", "--cluster-name",
      "--listen-client", "--snapshot-threshold", "--election-timeout-ms", "--quota-bytes",
      "--max-request-bytes", "--max-txn-ops", "--log-segment-bytes", "--watch-progress-interval-ms", "--join",
      "--restore-snapshot", "--cert-file", "--key-file", "--trusted-ca-file", "--peer-cert-file", "--peer-key-file",
      "--peer-trusted-ca-file", "--insecure");

  /** Store flags that take no value. */
  public static final Set<String> SWITCHES = Set.of("--join", "--insecure");

  /** The TLS flags, client port's then Raft's, each pair's certificate, key and CA. */
  static final List<String> TLS_FLAGS = List.of("--cert-file", "--key-file", "--trusted-ca-file",
      "--peer-cert-file", "--peer-key-file", "--peer-trusted-ca-file");

  static ServerFlags parse(String[] args) {
    Flags flags = Flags.parse(args, STORE_FLAGS, SWITCHES);
    if (flags.help()) {
      return new ServerFlags(null, "", true);
    }
    StoreConfig config = storeConfig(flags);
    boolean insecure = flags.bool("--insecure");
    if (config.tls() == null && !insecure) {
      throw new IllegalArgumentException("no TLS: give the TLS flags (" + String.join(", ", TLS_FLAGS)
          + ") or run plaintext with --insecure");
    }
    if (config.tls() != null && insecure) {
      throw new IllegalArgumentException("--insecure and the TLS flags exclude each other");
    }
    String listen = flags.string("--listen-client", "");
    if (listen.isEmpty() && config.self().clientAddress().isEmpty()) {
      throw new IllegalArgumentException("peer " + config.id() + " has no client address: give one in --peers or --listen-client");
    }
    return new ServerFlags(config, listen, false);
  }

  /** The store settings of a command line; the master reads them with the same flags. */
  public static StoreConfig storeConfig(Flags flags) {
    String id = flags.require("--id");
    List<PeerSpec> peers = PeerSpec.parseList(flags.require("--peers"));
    Path dataDir = Path.of(flags.require("--data-dir"));
    StoreConfig defaults = StoreConfig.defaults(id, peers, dataDir);
    return defaults.toBuilder()
        .clusterName(flags.string("--cluster-name", defaults.clusterName()))
        .maxRequestBytes((int) flags.positive("--max-request-bytes", defaults.maxRequestBytes()))
        .maxTxnOps((int) flags.positive("--max-txn-ops", defaults.maxTxnOps()))
        .quotaBytes(flags.positive("--quota-bytes", defaults.quotaBytes()))
        .snapshotThreshold(flags.positive("--snapshot-threshold", defaults.snapshotThreshold()))
        .logSegmentBytes(flags.positive("--log-segment-bytes", defaults.logSegmentBytes()))
        .electionTimeout(Duration.ofMillis(flags.positive("--election-timeout-ms", defaults.electionTimeout().toMillis())))
        .watchProgressInterval(Duration.ofMillis(
            flags.positive("--watch-progress-interval-ms", defaults.watchProgressInterval().toMillis())))
        .join(flags.bool("--join"))
        .restoreSnapshot(flags.string("--restore-snapshot", "").isEmpty() ? null
            : Path.of(flags.string("--restore-snapshot", "")))
        .tls(storeTls(flags))
        .build();
  }

  /**
   * The store's TLS from etcd's six flags, all given or none (null: none, plaintext only when the
   * caller allows it). Fails naming the missing flags.
   */
  public static StoreTls storeTls(Flags flags) {
    List<String> given = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    for (String flag : TLS_FLAGS) {
      (flags.string(flag, "").isBlank() ? missing : given).add(flag);
    }
    if (given.isEmpty()) {
      return null;
    }
    if (!missing.isEmpty()) {
      throw new IllegalArgumentException("TLS flags go together: " + String.join(", ", given) + " given but "
          + String.join(", ", missing) + " missing");
    }
    return new StoreTls(files(flags, "--cert-file", "--key-file", "--trusted-ca-file"),
        files(flags, "--peer-cert-file", "--peer-key-file", "--peer-trusted-ca-file"), StoreTls.DEFAULT_CLIENT_GROUPS);
  }

  /** One TLS identity's files, checked readable so a wrong path is named now and not at the first handshake. */
  private static TlsFiles files(Flags flags, String certificate, String key, String ca) {
    try {
      return new TlsFiles(Path.of(flags.require(certificate)), Path.of(flags.require(key)),
          Path.of(flags.require(ca))).checked();
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException(e.getMessage() + " (" + certificate + ", " + key + ", " + ca + ")");
    }
  }
}
