package io.skiff.store.process;

/** The compatibility tests against the Skiff store: etcdctl must see it exactly as it sees etcd. */
class SkiffEtcdctlCompatibilityTest extends EtcdctlCompatibilityTest {

  @Override
  protected StoreCluster newCluster() {
    return new SkiffStoreProcesses();
  }
}
