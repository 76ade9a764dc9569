package io.skiff.cli.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** skiff server's flags become the master's and the agent's. */
class AllInOneTest {
  private static final AllInOne.Security SECURE = new AllInOne.Security(false, List.of(), null);

  private static AllInOne.Settings settings(boolean join, Path restore, AllInOne.Security security) {
    return new AllInOne.Settings(Path.of("/d"), "m4", "0.0.0.0:6443", "127.0.0.1:2379", "127.0.0.1:2380", null, 10250,
        null, true, join, restore, security, null);
  }

  @Test
  void joinAndRestorePassToTheMaster() {
    List<String> base = List.of("--id", "m4", "--peers", "m4=127.0.0.1:2380/127.0.0.1:2379", "--data-dir", "/d/store",
        "--api-address", "0.0.0.0:6443", "--pki-dir", "/d/pki");
    assertEquals(base, AllInOne.masterArgs(settings(false, null, SECURE)));
    assertEquals(append(base, "--join"), AllInOne.masterArgs(settings(true, null, SECURE)));
    assertEquals(append(base, "--restore-snapshot", "/b.snap"),
        AllInOne.masterArgs(settings(false, Path.of("/b.snap"), SECURE)));
  }

  @Test
  void securityPassesToTheMasterAndTheAgent() {
    AllInOne.Settings secure = settings(false, null, new AllInOne.Security(false, List.of("skiff.example", "10.9.9.9"),
        null));
    assertEquals(List.of("--pki-dir", "/d/pki", "--tls-san", "skiff.example,10.9.9.9"),
        AllInOne.masterArgs(secure).subList(8, 12));
    assertEquals(List.of("--masters", "127.0.0.1:6443", "--port", "10250", "--cert-dir", "/d/agent/pki",
        "--node-name", "m4"), AllInOne.agentArgs(secure));
    assertEquals(Path.of("/d/admin.yaml"), AllInOne.adminConfig(secure));

    AllInOne.Settings plaintext = settings(false, null, AllInOne.Security.plaintext());
    assertEquals("--insecure", AllInOne.masterArgs(plaintext).get(8));
    assertEquals(List.of("--masters", "127.0.0.1:6443", "--port", "10250", "--insecure", "--node-name", "m4"),
        AllInOne.agentArgs(plaintext));
  }

  private static List<String> append(List<String> base, String... more) {
    return java.util.stream.Stream.concat(base.stream(), java.util.Arrays.stream(more)).toList();
  }
}
