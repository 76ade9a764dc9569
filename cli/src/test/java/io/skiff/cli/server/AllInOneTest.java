package io.skiff.cli.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** skiff server's flags become the master's. */
class AllInOneTest {
  private static AllInOne.Settings settings(boolean join, Path restore) {
    return new AllInOne.Settings(Path.of("/d"), "m4", "0.0.0.0:6443", "127.0.0.1:2379", "127.0.0.1:2380", null, 10250,
        null, false, join, restore);
  }

  @Test
  void joinAndRestorePassToTheMaster() {
    List<String> base = List.of("--id", "m4", "--peers", "m4=127.0.0.1:2380/127.0.0.1:2379", "--data-dir", "/d/store",
        "--api-address", "0.0.0.0:6443");
    assertEquals(base, AllInOne.masterArgs(settings(false, null)));
    assertEquals(append(base, "--join"), AllInOne.masterArgs(settings(true, null)));
    assertEquals(append(base, "--restore-snapshot", "/b.snap"), AllInOne.masterArgs(settings(false, Path.of("/b.snap"))));
  }

  private static List<String> append(List<String> base, String... more) {
    return java.util.stream.Stream.concat(base.stream(), java.util.Arrays.stream(more)).toList();
  }
}
