package io.skiff.store.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skiff.pki.TlsFiles;
import io.skiff.store.StoreConfig;
import io.skiff.store.StoreTls;
import io.skiff.store.TestPki;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The membership and restore flags: --join is a switch, --restore-snapshot a file, not both. TLS: etcd's
 * six flags together, or --insecure.
 */
class ServerFlagsTest {
  private static final String[] BASE = {"--id", "n4", "--peers", "n4=127.0.0.1:42380/127.0.0.1:42379",
      "--data-dir", "/tmp/n4"};

  @TempDir
  Path dir;

  /** BASE, --insecure, then {@code more}. */
  private static StoreConfig parse(String... more) {
    List<String> args = new ArrayList<>(List.of(BASE));
    args.add("--insecure");
    args.addAll(List.of(more));
    return parseExactly(args.toArray(String[]::new));
  }

  /** BASE and {@code more}. */
  private static StoreConfig parseSecure(String... more) {
    List<String> args = new ArrayList<>(List.of(BASE));
    args.addAll(List.of(more));
    return parseExactly(args.toArray(String[]::new));
  }

  private static StoreConfig parseExactly(String... args) {
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

  @Test
  void theSixTlsFlagsGiveTheStoreTls() {
    TestPki pki = new TestPki("cluster", dir);
    TlsFiles serving = pki.peer("n4-client", TestPki.MASTERS);
    TlsFiles peer = pki.peer("n4", TestPki.MASTERS);
    StoreConfig config = parseSecure(tlsFlags(serving, peer));
    assertEquals(new StoreTls(serving, peer, List.of("system:masters")), config.tls());
    assertNull(parse().tls(), "--insecure: plaintext");
  }

  @Test
  void neitherTlsNorInsecureIsRefusedNamingBothChoices() {
    IllegalArgumentException none = assertThrows(IllegalArgumentException.class, () -> parseSecure());
    assertEquals("no TLS: give the TLS flags (--cert-file, --key-file, --trusted-ca-file, --peer-cert-file, "
        + "--peer-key-file, --peer-trusted-ca-file) or run plaintext with --insecure", none.getMessage());
  }

  @Test
  void partialOrContradictoryTlsFlagsAreRefusedNamingThem() {
    TestPki pki = new TestPki("cluster", dir);
    TlsFiles files = pki.peer("n4", TestPki.MASTERS);
    IllegalArgumentException partial = assertThrows(IllegalArgumentException.class, () -> parseSecure(
        "--cert-file", files.certificate().toString(), "--key-file", files.privateKey().toString()));
    assertEquals("TLS flags go together: --cert-file, --key-file given but --trusted-ca-file, --peer-cert-file, "
        + "--peer-key-file, --peer-trusted-ca-file missing", partial.getMessage());
    IllegalArgumentException both = assertThrows(IllegalArgumentException.class, () -> parse(tlsFlags(files, files)));
    assertEquals("--insecure and the TLS flags exclude each other", both.getMessage());
    String[] wrongPath = tlsFlags(files, files);
    wrongPath[wrongPath.length - 1] = dir.resolve("no-such-ca.crt").toString();
    IllegalArgumentException unreadable = assertThrows(IllegalArgumentException.class, () -> parseSecure(wrongPath));
    assertTrue(unreadable.getMessage().startsWith("cannot read TLS file " + dir.resolve("no-such-ca.crt")),
        unreadable.getMessage());
  }

  private static String[] tlsFlags(TlsFiles client, TlsFiles peer) {
    return new String[] {"--cert-file", client.certificate().toString(), "--key-file", client.privateKey().toString(),
        "--trusted-ca-file", client.trustedCa().toString(), "--peer-cert-file", peer.certificate().toString(),
        "--peer-key-file", peer.privateKey().toString(), "--peer-trusted-ca-file", peer.trustedCa().toString()};
  }
}
