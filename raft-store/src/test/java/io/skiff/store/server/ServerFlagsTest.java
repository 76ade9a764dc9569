package io.skiff.store.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skiff.store.StoreConfig;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The membership and restore flags: --join is a switch, --restore-snapshot a file, not both. */
class ServerFlagsTest {
  private static final String[] BASE = {"--id", "n4", "--peers", "n4=127.0.0.1:42380/127.0.0.1:42379",
      "--data-dir", "/tmp/n4"};

  private static StoreConfig parse(String... more) {
    String[] args = new String[BASE.length + more.length];
    System.arraycopy(BASE, 0, args, 0, BASE.length);
    System.arraycopy(more, 0, args, BASE.length, more.length);
    return ServerFlags.parse(args).config();
  }

  @Test
  void joinIsASwitchAndRestoreTakesAFile() {
    StoreConfig plain = parse();
    assertFalse(plain.join());
    assertNull(plain.restoreSnapshot());
    assertTrue(parse("--join").join());
    assertTrue(parse("--join", "--cluster-name", "other").join(), "a switch does not take the next flag as value");
    assertEquals("other", parse("--join", "--cluster-name", "other").clusterName());
    assertFalse(parse("--join=false").join());
    assertEquals(Path.of("backup.snap"), parse("--restore-snapshot", "backup.snap").restoreSnapshot());
  }

  @Test
  void badCombinationsAreRefusedNamingTheFlag() {
    IllegalArgumentException both = assertThrows(IllegalArgumentException.class,
        () -> parse("--join", "--restore-snapshot", "backup.snap"));
    assertTrue(both.getMessage().contains("--join and --restore-snapshot exclude each other"), both.getMessage());
    IllegalArgumentException value = assertThrows(IllegalArgumentException.class, () -> parse("--join=maybe"));
    assertEquals("flag --join is true or false, not 'maybe'", value.getMessage());
    IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> parse("--restore-snapshot"));
    assertEquals("flag --restore-snapshot needs a value", missing.getMessage());
  }
}
