package io.skiff.cli.commands;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skiff.cli.testing.Skiff;
import io.skiff.controlplane.testing.MasterCluster;
import io.skiff.store.PeerSpec;
import io.skiff.store.mvcc.SnapshotBackup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** skiff cluster add-member, remove-member and snapshot save against real masters. */
class ClusterAdminCommandsTest {
  @TempDir
  Path dir;

  @Test
  void addAndRemoveAMemberThenSaveASnapshot() throws Exception {
    try (MasterCluster cluster = MasterCluster.start(3, dir.resolve("data"))) {
      Skiff skiff = new Skiff(dir, dir.resolve("none"));
      String all = "127.0.0.1:" + cluster.apiPort(0) + ",127.0.0.1:" + cluster.apiPort(1);
      Map.Entry<Integer, CompletableFuture<Void>> joining = cluster.startJoining("m4");
      PeerSpec m4 = cluster.peerSpec(joining.getKey());

      // the new master's Raft peer comes up first; until then the add is refused, naming --join
      await().atMost(Duration.ofSeconds(60)).until(() -> {
        Skiff.Result added = skiff.run("cluster", "add-member", "m4", "--raft-address", m4.raftAddress(),
            "--store-address", m4.clientAddress(), "-s", all, "--insecure");
        assertTrue(added.code() == 0 || added.err().contains("--join"), added.toString());
        if (added.code() == 0) {
          assertEquals("Member m4 added (raft " + m4.raftAddress() + ", store " + m4.clientAddress() + ").\n"
              + "Members: m1, m2, m3, m4\n", added.out());
        }
        return added.code() == 0;
      });
      joining.getValue().get(2, TimeUnit.MINUTES);
      Skiff.Result members = skiff.run("cluster", "members", "-s", all, "--insecure");
      assertEquals(5, members.out().lines().count(), members.out());
      assertTrue(members.out().contains(m4.clientAddress()), members.out());

      Skiff.Result unknown = skiff.run("cluster", "remove-member", "m9", "-s", all, "--insecure");
      assertEquals(1, unknown.code());
      assertEquals("error: no member m9 (members: m1, m2, m3, m4)\n", unknown.err());
      Skiff.Result missing = skiff.run("cluster", "add-member", "m5", "--raft-address", "127.0.0.1:1", "-s", all,
          "--insecure");
      assertEquals(1, missing.code());
      assertTrue(missing.err().contains("Missing required option: '--store-address=HOST:PORT'"), missing.err());

      Skiff.Result removed = skiff.run("cluster", "remove-member", "m4", "-s", all, "--insecure");
      assertEquals("Member m4 removed; stop it now.\nMembers: m1, m2, m3\n", removed.out(), removed.toString());
      cluster.stop(joining.getKey());

      Path file = dir.resolve("backups").resolve("cluster.snap");
      Files.createDirectories(file.getParent());
      Skiff.Result saved = skiff.run("cluster", "snapshot", "save", file.toString(), "-s", all, "--insecure");
      assertEquals(0, saved.code(), saved.toString());
      Matcher line = Pattern.compile("Snapshot saved at \\S+: revision (\\d+), (\\d+) bytes\n").matcher(saved.out());
      assertTrue(line.matches(), saved.out());
      assertEquals(Long.parseLong(line.group(2)), Files.size(file));
      assertEquals(Long.parseLong(line.group(1)), SnapshotBackup.verify(file).revision());
      try (var files = Files.list(file.getParent())) {
        assertEquals(1, files.count(), "no temporary file is left");
      }
      Skiff.Result nowhere = skiff.run("cluster", "snapshot", "save", dir.resolve("no/such/dir/x.snap").toString(),
          "-s", all, "--insecure");
      assertEquals(1, nowhere.code());
      assertTrue(nowhere.err().startsWith("error: cannot write ") && nowhere.err().contains("does not exist"),
          nowhere.err());
    }
  }
}
