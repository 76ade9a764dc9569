package io.skiff.controlplane.master;

import io.skiff.controlplane.controllers.ControllerSettings;
import io.skiff.controlplane.election.ElectionSettings;
import io.skiff.controlplane.watch.WatchCacheSettings;
import io.skiff.store.StoreConfig;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * Everything a master needs: its store peer, where the Skiff API listens, and
 * the control plane's own settings.
 *
 * @param maxObjectBytes the largest encoded object (Kubernetes keeps objects under etcd's 1.5 MiB)
 * @param compactionInterval how often history older than one interval is compacted away
 * @param namespaceCleanupInterval how often terminating namespaces are emptied
 * @param runControllers whether this master campaigns to run the scheduler and controllers
 * @param security TLS and PKI, or --insecure
 */
public record MasterConfig(
    StoreConfig store,
    InetSocketAddress apiAddress,
    int maxObjectBytes,
    WatchCacheSettings watchCache,
    Duration compactionInterval,
    Duration namespaceCleanupInterval,
    boolean runControllers,
    ElectionSettings election,
    ControllerSettings controllers,
    MasterSecurity security) {

  public static final int DEFAULT_API_PORT = 6443;
  public static final int DEFAULT_MAX_OBJECT_BYTES = 1024 * 1024;

  public static MasterConfig defaults(StoreConfig store, InetSocketAddress apiAddress) {
    return new MasterConfig(store, apiAddress, DEFAULT_MAX_OBJECT_BYTES, WatchCacheSettings.defaults(),
        Duration.ofMinutes(5), Duration.ofSeconds(1), true, ElectionSettings.defaults(), ControllerSettings.defaults(),
        MasterSecurity.secure(store.dataDir().resolve("pki")));
  }

  public MasterConfig withControllers(boolean run, ElectionSettings election, ControllerSettings controllers) {
    return new MasterConfig(store, apiAddress, maxObjectBytes, watchCache, compactionInterval,
        namespaceCleanupInterval, run, election, controllers, security);
  }

  public MasterConfig withStorage(int maxObjectBytes, WatchCacheSettings watchCache, Duration compactionInterval) {
    return new MasterConfig(store, apiAddress, maxObjectBytes, watchCache, compactionInterval,
        namespaceCleanupInterval, runControllers, election, controllers, security);
  }

  public MasterConfig withSecurity(MasterSecurity security) {
    return new MasterConfig(store, apiAddress, maxObjectBytes, watchCache, compactionInterval,
        namespaceCleanupInterval, runControllers, election, controllers, security);
  }

  /** The same master on another store config (another id, peers, data dir), say for a joining master. */
  public MasterConfig withStore(StoreConfig store, InetSocketAddress apiAddress) {
    return new MasterConfig(store, apiAddress, maxObjectBytes, watchCache, compactionInterval,
        namespaceCleanupInterval, runControllers, election, controllers, security);
  }
}
