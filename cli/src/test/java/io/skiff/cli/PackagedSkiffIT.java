package io.skiff.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skiff.controlplane.testing.MasterCluster;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
  private static final Path SKIFF = Path.of("target", "skiff").toAbsolutePath();
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

  private record Run(int code, String out, String err) {
  }

  private static Run skiff(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(SKIFF.toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(dir.resolve("out").toFile())
        .redirectError(dir.resolve("err").toFile());
    builder.environment().put("HOME", dir.toString());
    builder.environment().put("SKIFF_CONFIG", dir.resolve("config").toString());
    Process process = builder.start();
    process.getOutputStream().close();
    assertTrue(process.waitFor(60, TimeUnit.SECONDS), "skiff " + command + " finished");
    return new Run(process.exitValue(), Files.readString(dir.resolve("out"), StandardCharsets.UTF_8),
        Files.readString(dir.resolve("err"), StandardCharsets.UTF_8));
  }

  @Test
  void theLauncherRunsCommandsAgainstAMaster() throws Exception {
    String endpoint = "127.0.0.1:" + cluster.apiPort(0);
    Run context = skiff("config", "set-context", "it", "--endpoints", endpoint);
    assertEquals(0, context.code(), context.err());

    Run version = skiff("version");
    assertEquals(0, version.code(), version.err());
    assertTrue(version.out().matches("Client Version: \\S+\nServer Version: \\S+ .*\n"), version.out());
    assertTrue(version.err().isEmpty(), "nothing on stderr: " + version.err());

    Run apply = skiff("apply", "-f", Path.of("..", "examples").toString());
    assertEquals(0, apply.code(), apply.err());
    assertTrue(apply.out().contains("deployment.apps/web created\n"), apply.out());

    Run pods = skiff("get", "pods", "-n", "shop");
    assertEquals(0, pods.code(), pods.err());
    assertTrue(pods.out().matches("NAME +READY +STATUS +RESTARTS +AGE\nhello +0/1 +Pending +0 +\\d+s\n"), pods.out());
  }

  @Test
  void errorsAreOneLineAndAnExitStatus() throws Exception {
    Run unreachable = skiff("get", "pods", "-s", "127.0.0.1:1", "--request-timeout=5s");
    assertEquals(1, unreachable.code());
    assertEquals("", unreachable.out());
    assertTrue(unreachable.err().startsWith("error: cannot reach any master (tried 127.0.0.1:1): "),
        unreachable.err());
    assertEquals(1, unreachable.err().lines().count(), unreachable.err());

    Run usage = skiff("get");
    assertEquals(1, usage.code());
    assertTrue(usage.err().startsWith("error: Missing required parameter"), usage.err());

    Run completion = skiff("completion", "bash");
    assertEquals(0, completion.code());
    assertTrue(completion.out().contains("complete -F _complete_skiff"), completion.out());
  }
}
