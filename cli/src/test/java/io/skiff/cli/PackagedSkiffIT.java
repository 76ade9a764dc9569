package io.skiff.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skiff.cli.testing.PackagedSkiff;
import io.skiff.cli.testing.Skiff;
import io.skiff.controlplane.testing.MasterCluster;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged command, target/skiff, run as a process the way a user runs
 * it (after `mvn package`): its launcher, the jar with its lib/, exit
 * statuses and streams, against a real master.
 */
class PackagedSkiffIT {
  @TempDir
  static Path dir;
  private static MasterCluster cluster;

  @BeforeAll
  static void master() throws Exception {
    cluster = MasterCluster.start(1, dir.resolve("data"));
  }

  @AfterAll
  static void stop() throws Exception {
    cluster.close();
  }

  private static Skiff.Result skiff(String... args) throws IOException, InterruptedException {
    return new PackagedSkiff(dir).run(args);
  }

  @Test
  void theLauncherRunsCommandsAgainstAMaster() throws Exception {
    String endpoint = "127.0.0.1:" + cluster.apiPort(0);
    Skiff.Result context = skiff("config", "set-context", "it", "--endpoints", endpoint, "--insecure");
    assertEquals(0, context.code(), context.err());

    Skiff.Result version = skiff("version");
    assertEquals(0, version.code(), version.err());
    assertTrue(version.out().matches("Client Version: \\S+\nServer Version: \\S+ .*\n"), version.out());
    assertTrue(version.err().isEmpty(), "nothing on stderr: " + version.err());

    Skiff.Result apply = skiff("apply", "-f", Path.of("..", "examples").toString());
    assertEquals(0, apply.code(), apply.err());
    assertTrue(apply.out().contains("deployment.apps/web created\n"), apply.out());

    Skiff.Result pods = skiff("get", "pods", "-n", "shop");
    assertEquals(0, pods.code(), pods.err());
    assertTrue(pods.out().matches("NAME +READY +STATUS +RESTARTS +AGE\nhello +0/1 +Pending +0 +\\d+s\n"), pods.out());
  }

  @Test
  void errorsAreOneLineAndAnExitStatus() throws Exception {
    Skiff.Result unreachable = skiff("get", "pods", "-s", "127.0.0.1:1", "--insecure", "--request-timeout=5s");
    assertEquals(1, unreachable.code());
    assertEquals("", unreachable.out());
    assertTrue(unreachable.err().startsWith("error: cannot reach any master (tried 127.0.0.1:1): "),
        unreachable.err());
    assertEquals(1, unreachable.err().lines().count(), unreachable.err());

    Skiff.Result usage = skiff("get");
    assertEquals(1, usage.code());
    assertTrue(usage.err().startsWith("error: Missing required parameter"), usage.err());

    Skiff.Result completion = skiff("completion", "bash");
    assertEquals(0, completion.code());
    assertTrue(completion.out().contains("complete -F _complete_skiff"), completion.out());
  }
}
