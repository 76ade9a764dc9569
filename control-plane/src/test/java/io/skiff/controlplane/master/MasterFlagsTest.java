package io.skiff.controlplane.master;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The master's security flags: secure by default, the PKI under the data dir. */
class MasterFlagsTest {
  private static final String[] BASE = {"--id", "m1", "--peers", "m1=127.0.0.1:2380/127.0.0.1:2379",
      "--data-dir", "/data/m1"};

  private static MasterConfig parse(String... more) {
    String[] args = new String[BASE.length + more.length];
    System.arraycopy(BASE, 0, args, 0, BASE.length);
    System.arraycopy(more, 0, args, BASE.length, more.length);
    return MasterFlags.parse(args);
  }

  @Test
  void secureByDefaultWithThePkiInTheDataDir() {
    MasterSecurity security = parse().security();
    assertFalse(security.insecure());
    assertEquals(Path.of("/data/m1/pki"), security.pkiDir());
    assertEquals(List.of(), security.extraSans());
  }

  @Test
  void insecurePkiDirAndExtraNames() {
    MasterSecurity security = parse("--insecure", "--pki-dir", "/etc/skiff/pki", "--tls-san",
        "skiff.example.com, 10.0.0.5").security();
    assertTrue(security.insecure());
    assertEquals(Path.of("/etc/skiff/pki"), security.pkiDir());
    assertEquals(List.of("skiff.example.com", "10.0.0.5"), security.extraSans());
  }

  @Test
  void theCertificateNamesEveryAddressAndTheExtraNames() {
    MasterConfig config = parse("--api-address", "10.1.2.3:6443", "--tls-san", "skiff.example.com");
    List<String> names = MasterCertificates.serverNames(config);
    for (String name : List.of("localhost", "127.0.0.1", "10.1.2.3", "skiff.example.com")) {
      assertTrue(names.contains(name), name + " in " + names);
    }
  }
}
