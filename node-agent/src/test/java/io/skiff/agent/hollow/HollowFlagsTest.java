package io.skiff.agent.hollow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The hollow-node process's command line. */
class HollowFlagsTest {
  @Test
  void defaultsAndFlags() {
    HollowFlags defaults = HollowFlags.parse(new String[] {"--count", "10", "--insecure"});
    assertEquals(10, defaults.count());
    assertEquals("hollow", defaults.prefix());
    assertEquals(4, defaults.cpus());
    assertEquals(16L << 30, defaults.memoryBytes());
    assertEquals(110, defaults.template().maxPods());
    assertEquals(Map.of(), defaults.template().nodeLabels());
    assertEquals(0, defaults.port());
    assertEquals(6443, defaults.template().masters().get(0).getPort());

    HollowFlags flags = HollowFlags.parse(new String[] {"--masters", "127.0.0.1:7443,127.0.0.1:7444", "--count=1000",
        "--prefix", "sim", "--cpu", "8", "--memory", "512Mi", "--pods", "30", "--labels", "zone=a, tier=web",
        "--port", "10350", "--ca-file", "ca.crt", "--cert-file", "admin.crt", "--key-file", "admin.key"});
    assertEquals(2, flags.template().masters().size());
    assertEquals(1000, flags.count());
    assertEquals("sim", flags.prefix());
    assertEquals(8, flags.cpus());
    assertEquals(512L << 20, flags.memoryBytes());
    assertEquals(30, flags.template().maxPods());
    assertEquals(Map.of("zone", "a", "tier", "web"), flags.template().nodeLabels());
    assertEquals(10350, flags.port());
    assertEquals(Path.of("admin.crt"), flags.credentials().tls().certificate());
    assertTrue(defaults.credentials().isInsecure());
    assertNull(HollowFlags.parse(new String[] {"--help"}));
  }

  @Test
  void badFlagsAreNamed() {
    assertTrue(message("--prefix", "x").contains("--count"));
    assertTrue(message("--count", "0").contains("--count"));
    assertTrue(message("--count", "1", "--labels", "zone").contains("KEY=VALUE"));
    assertTrue(message("--count", "1", "--nodes", "3").contains("--nodes"));
    assertTrue(message("--count", "1").contains("--insecure"), "a credential is required");
    assertTrue(message("--count", "1", "--ca-file", "ca.crt").contains("--cert-file"));
    assertTrue(message("--count", "1", "--insecure", "--ca-file", "ca.crt").contains("--insecure"));
  }

  private static String message(String... args) {
    return assertThrows(IllegalArgumentException.class, () -> HollowFlags.parse(args)).getMessage();
  }
}
