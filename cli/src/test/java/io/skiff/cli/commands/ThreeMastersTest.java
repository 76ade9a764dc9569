package io.skiff.cli.commands;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skiff.api.v1.Namespace;
import io.skiff.api.v1.ObjectMeta;
import io.skiff.cli.testing.Skiff;
import io.skiff.client.ResourceClient;
import io.skiff.client.ResourceTypes;
import io.skiff.controlplane.testing.MasterCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command against three masters: a watch that outlives the master it
 * was on, writes that move to another master, and the cluster commands.
 */
class ThreeMastersTest {
  @TempDir
  Path dir;

  private static String pod(String name) {
    return "apiVersion: v1\nkind: Pod\nmetadata: {name: " + name + "}\n"
        + "spec: {containers: [{name: c, image: busybox}]}\n";
  }

  private static long count(String text, String line) {
    return text.lines().filter(line::equals).count();
  }

  @Test
  void aWatchGoesOnWhileEachMasterInTurnGoesAwayAndPrintsEveryChangeOnce() throws Exception {
    try (MasterCluster cluster = MasterCluster.start(3, dir.resolve("data"))) {
      String endpoints = "127.0.0.1:" + cluster.apiPort(0) + ",127.0.0.1:" + cluster.apiPort(1) + ",127.0.0.1:"
          + cluster.apiPort(2);
      new ResourceClient<>(cluster.channel(0), ResourceTypes.NAMESPACES, 30_000).create(Namespace.newBuilder()
          .setMetadata(ObjectMeta.newBuilder().setName("watched")).build());
      Path config = dir.resolve("config");
      Files.writeString(config, "current-context: ha\ncontexts:\n- name: ha\n  endpoints: \"" + endpoints
          + "\"\n  namespace: watched\n  insecure: true\n");
      Skiff skiff = new Skiff(dir, config);
      assertEquals(0, skiff.runWithInput(pod("before"), "create", "-f", "-").code());

      List<String> expected = new ArrayList<>(List.of("before"));
      // the watch is on one master; stopping each in turn stops that one while the watch is on it
      try (Skiff.Background watch = skiff.start("get", "pods", "-w", "--output-watch-events")) {
        await().atMost(Duration.ofSeconds(20)).until(() -> watch.out().contains("before"));
        for (int master = 0; master < 3; master++) {
          for (String name : List.of("up-" + master, "down-" + master)) {
            if (name.startsWith("down")) {
              cluster.stop(master);
            }
            // a write in the middle of a leader change may fail (UNAVAILABLE, outcome unknown, as etcd's):
            // apply is idempotent, so it is simply run again
            await().atMost(Duration.ofSeconds(30))
                .until(() -> skiff.runWithInput(pod(name), "apply", "-f", "-").code() == 0);
            expected.add(name);
            await().atMost(Duration.ofSeconds(30)).until(() -> watch.out().contains(" " + name + " "));
          }
          cluster.restart(master);
        }
        assertTrue(watch.err().isEmpty(), watch.err());
        String out = watch.out();
        List<String> printed = new ArrayList<>();
        Matcher rows = Pattern.compile("(?m)^ADDED +(\\S+) +0/1 +Pending +0 +\\d+s$").matcher(out);
        while (rows.find()) {
          printed.add(rows.group(1));
        }
        assertEquals(expected, printed, "each pod once, in order:\n" + out);
        assertEquals(1, count(out, out.lines().findFirst().orElseThrow()), out);
        assertTrue(out.startsWith("EVENT   NAME     READY   STATUS    RESTARTS   AGE\n"), out);
      }
    }
  }

  @Test
  void clusterMembersStatusAndVersion() throws Exception {
    try (MasterCluster cluster = MasterCluster.start(3, dir.resolve("data"))) {
      Skiff skiff = new Skiff(dir, dir.resolve("none"));
      String all = "127.0.0.1:" + cluster.apiPort(0) + ",127.0.0.1:" + cluster.apiPort(1);
      await().atMost(Duration.ofSeconds(20))
          .until(() -> skiff.run("cluster", "status", "-s", all, "--insecure").code() == 0);
      Skiff.Result members = skiff.run("cluster", "members", "-s", all, "--insecure");
      List<String> lines = members.out().lines().toList();
      assertTrue(lines.get(0).matches("NAME +MEMBER ID +ROLE +LEADER +RAFT ADDRESS +STORE ADDRESS"), members.out());
      assertEquals(4, lines.size(), members.out());
      assertEquals(1, lines.stream().filter(l -> l.matches("m\\d +[0-9a-f]+ +leader +\\* .*")).count(), members.out());
      Skiff.Result status = skiff.run("cluster", "status", "-s", all, "--insecure");
      assertTrue(status.out().startsWith("Leader:       m"), status.out());
      assertTrue(status.out().contains("Members:      3 (3 healthy)\n"), status.out());

      Skiff.Result version = skiff.run("version", "-s", all, "--insecure");
      assertEquals(0, version.code(), version.toString());
      assertTrue(version.out().matches("Client Version: \\S+\nServer Version: \\S+ \\(Java .*\\)\n"), version.out());

      cluster.stop(2);
      // when m3 led, the other two elect a leader before they are healthy again
      await().atMost(Duration.ofSeconds(20))
          .until(() -> skiff.run("cluster", "status", "-s", all, "--insecure").out()
              .contains("Members:      3 (2 healthy)\n"));
      Skiff.Result degraded = skiff.run("cluster", "status", "-s", all, "--insecure");
      assertEquals(1, degraded.code(), degraded.toString());
      assertTrue(degraded.out().contains("Members:      3 (2 healthy)\n"), degraded.out());
      assertTrue(degraded.out().matches("(?s).*\nm3 +unreachable +unhealthy .*"), degraded.out());
    }
  }
}
