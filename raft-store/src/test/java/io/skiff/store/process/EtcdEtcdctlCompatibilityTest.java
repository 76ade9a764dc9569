package io.skiff.store.process;

import org.junit.jupiter.api.Tag;

/**
 * The compatibility tests against real etcd 3.4: proves that their expectations are etcd's behaviour.
 * Needs the etcd binary (Debian package etcd-server); {@code -DexcludedGroups=reference} skips it.
 */
@Tag("reference")
class EtcdEtcdctlCompatibilityTest extends EtcdctlCompatibilityTest {

  @Override
  protected StoreCluster newCluster() {
    return new EtcdProcesses();
  }
}
