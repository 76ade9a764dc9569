package io.skiff.store.process;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skiff.pki.TlsFiles;
import io.skiff.store.TestPki;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store server process's security choice: TLS flags or --insecure, never silently plaintext. */
class StoreServerMainTest {
  @TempDir
  Path dir;

  @Test
  void refusesToStartWithNeitherTlsNorInsecure() {
    ProcessRun.Output run = ProcessRun.run(new ProcessBuilder(java(List.of("--id", "n1", "--peers",
        "n1=127.0.0.1:1/127.0.0.1:2", "--data-dir", dir.toString()))), null, Duration.ofSeconds(60));
    assertEquals(2, run.exitCode(), run.stderr());
    assertTrue(run.stderr().contains("no TLS: give the TLS flags (--cert-file, --key-file, --trusted-ca-file, "
        + "--peer-cert-file, --peer-key-file, --peer-trusted-ca-file) or run plaintext with --insecure"), run.stderr());
  }

  @Test
  void servesEtcdctlOverTlsWithTheEtcdFlags() throws Exception {
    TestPki pki = new TestPki("cluster", dir);
    TlsFiles peer = pki.peer("n1", TestPki.MASTERS);
    TlsFiles admin = pki.client("admin", TestPki.MASTERS);
    int[] ports = freePorts();
    String client = "127.0.0.1:" + ports[1];
    Path log = dir.resolve("n1.log");
    Process server = new ProcessBuilder(java(List.of("--id", "n1", "--peers", "n1=127.0.0.1:" + ports[0] + "/" + client,
        "--data-dir", Files.createDirectory(dir.resolve("n1")).toString(),
        "--cert-file", peer.certificate().toString(), "--key-file", peer.privateKey().toString(),
        "--trusted-ca-file", peer.trustedCa().toString(), "--peer-cert-file", peer.certificate().toString(),
        "--peer-key-file", peer.privateKey().toString(), "--peer-trusted-ca-file", peer.trustedCa().toString())))
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      Etcdctl etcdctl = new Etcdctl(List.of("https://" + client), Duration.ofSeconds(2));
      String[] tls = {"--cacert=" + admin.trustedCa(), "--cert=" + admin.certificate(), "--key=" + admin.privateKey()};
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
          .until(() -> !server.isAlive() || etcdctl.run(with(tls, "endpoint", "health")).exitCode() == 0);
      assertTrue(server.isAlive(), Files.readString(log));
      etcdctl.run(with(tls, "put", "k", "v")).assertSuccess();
      assertEquals(List.of("k", "v"), etcdctl.run(with(tls, "get", "k")).assertSuccess().lines());
      String output = Files.readString(log);
      assertTrue(output.contains("(mutual TLS)") && output.contains("TLS, client certificates of group system:masters"),
          output);
    } finally {
      server.destroy();
      if (!server.waitFor(30, TimeUnit.SECONDS)) {
        server.destroyForcibly().waitFor();
      }
    }
  }

  private static String[] with(String[] tls, String... args) {
    List<String> all = new ArrayList<>(List.of(tls));
    all.addAll(List.of(args));
    return all.toArray(String[]::new);
  }

  private static List<String> java(List<String> args) {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), SkiffStoreProcesses.MAIN_CLASS));
    command.addAll(args);
    return command;
  }

  private static int[] freePorts() throws IOException {
    try (ServerSocket a = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
        ServerSocket b = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return new int[] {a.getLocalPort(), b.getLocalPort()};
    }
  }
}
