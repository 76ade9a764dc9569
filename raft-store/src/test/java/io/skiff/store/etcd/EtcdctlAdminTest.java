package io.skiff.store.etcd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skiff.store.PeerSpec;
import io.skiff.store.StoreConfig;
import io.skiff.store.mvcc.SnapshotBackup;
import io.skiff.store.process.Etcdctl;
import io.skiff.store.raft.StorePeer;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real etcdctl's member list / add / remove and snapshot save against a store endpoint. */
class EtcdctlAdminTest {
  @TempDir
  Path dir;

  @Test
  void etcdctlAddsListsAndRemovesAMemberAndSavesASnapshot() throws Exception {
    try (SinglePeerEndpoint endpoint = SinglePeerEndpoint.start("etcdctl-admin")) {
      Etcdctl etcdctl = new Etcdctl(List.of(endpoint.endpoint()));
      etcdctl.run("put", "greeting", "hello").assertSuccess();

      int raftPort;
      try (ServerSocket s = new ServerSocket(0)) {
        raftPort = s.getLocalPort();
      }
      PeerSpec spec = new PeerSpec("n2", "127.0.0.1:" + raftPort, "");
      try (StorePeer joiner = new StorePeer(StoreConfig.defaults("n2", List.of(spec), dir.resolve("n2"))
          .toBuilder().join(true).build())) {
        joiner.start();
        // etcd's request carries no name: the store asks the peer at the URL for its id
        Etcdctl.Result added = etcdctl.run("member", "add", "n2", "--peer-urls=http://" + spec.raftAddress())
            .assertSuccess();
        assertTrue(added.stdout().contains("added to cluster"), added.stdout());
        assertTrue(added.stdout().contains("ETCD_INITIAL_CLUSTER=\"n1=http://"), added.stdout());

        Etcdctl.Result list = etcdctl.run("member", "list").assertSuccess();
        assertEquals(2, list.lines().size(), list.stdout());
        String n2 = list.lines().stream().filter(l -> l.contains(", n2, ")).findFirst().orElseThrow();
        assertTrue(n2.contains("http://" + spec.raftAddress()), n2);
        assertEquals("n2", joiner.members().get(1).id(), "the joiner learned the membership");

        String hexId = n2.substring(0, n2.indexOf(','));
        etcdctl.run("member", "remove", hexId).assertSuccess();
        assertEquals(1, etcdctl.run("member", "list").assertSuccess().lines().size());
        etcdctl.run("member", "remove", hexId).assertFailure("member not found");
        etcdctl.run("member", "add", "n3", "--peer-urls=http://127.0.0.1:1").assertFailure("--join");
      }

      Path file = dir.resolve("etcdctl.snap");
      Etcdctl.Result saved = etcdctl.run("snapshot", "save", file.toString()).assertSuccess();
      assertTrue(saved.stdout().contains("Snapshot saved at " + file), saved.stdout());
      assertEquals(endpoint.peer.status().revision(), SnapshotBackup.verify(file).revision());
    }
  }
}
