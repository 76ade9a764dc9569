package io.skiff.cli;

import static io.skiff.cli.testing.ServerProcess.freePort;
import static io.skiff.cli.testing.ServerProcess.until;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skiff.cli.testing.PackagedSkiff;
import io.skiff.cli.testing.ServerProcess;
import io.skiff.cli.testing.Skiff;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A second master joins a running {@code skiff server} with a join-master token, as k3s servers
 * join: it fetches the cluster CA over TLS pinned to the CA's hash, adds itself as a store member
 * and serves the same cluster with its own certificate. A wrong token gets nothing.
 */
class JoinIT {
  private static final Pattern BEARER = Pattern.compile("^ {2}([a-z0-9]{6}\\.[a-z0-9]{32})$", Pattern.MULTILINE);
  private static final Pattern HASH = Pattern.compile("hash: (sha256:[0-9a-f]{64})");

  @TempDir
  Path dir;
  private final String suffix = UUID.randomUUID().toString().substring(0, 6);
  private final List<ServerProcess> servers = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (ServerProcess server : servers) {
      server.close();
    }
  }

  @Test
  void aMasterJoinsWithAJoinMasterTokenAndAWrongTokenGetsNothing() throws Exception {
    String first = "first-" + suffix;
    String api = "127.0.0.1:" + freePort();
    servers.add(ServerProcess.start(dir, "first.log", first, "--data-dir", dir.resolve("first").toString(),
        "--node-name", first, "--disable-agent", "--api-address", api,
        "--store-address", "127.0.0.1:" + freePort(), "--raft-address", "127.0.0.1:" + freePort(),
        "--write-config", dir.resolve("config").toString()));
    Skiff.Result created = skiff("token", "create", "--purpose", "join-master", "--ttl", "10m");
    assertEquals(0, created.code(), created.err());
    String token = find(BEARER, created.out());
    String hash = find(HASH, created.out());

    // a wrong secret: refused, and nothing of the cluster's PKI written
    Path refusedDir = dir.resolve("refused");
    Skiff.Result refused = skiff("server", "--join", "--server", api, "--token", token.substring(0, 7) + "x".repeat(32),
        "--ca-cert-hash", hash, "--node-name", "refused-" + suffix, "--disable-agent", "--data-dir",
        refusedDir.toString(), "--raft-address", "127.0.0.1:" + freePort(), "--store-address",
        "127.0.0.1:" + freePort(), "--api-address", "127.0.0.1:" + freePort());
    assertNotEquals(0, refused.code());
    assertTrue(refused.err().contains("refused the join token"), refused.err());
    assertFalse(refused.err().contains(token.substring(7)), "the secret is not in the error");
    assertFalse(Files.exists(refusedDir.resolve("pki").resolve("ca.key")));

    String second = "second-" + suffix;
    int secondApi = freePort();
    servers.add(ServerProcess.start(dir, "second.log", second, "--join", "--server", api, "--token", token,
        "--ca-cert-hash", hash, "--node-name", second, "--disable-agent", "--data-dir",
        dir.resolve("second").toString(), "--api-address", "127.0.0.1:" + secondApi, "--raft-address",
        "127.0.0.1:" + freePort(), "--store-address", "127.0.0.1:" + freePort(),
        "--write-config", dir.resolve("second-config").toString()));
    until(() -> skiff("cluster", "members").out().contains(second), "master " + second + " a member");
    // the new master serves the same cluster over TLS, with a certificate from the same CA
    Skiff.Result namespaces = skiff("--server", "127.0.0.1:" + secondApi, "get", "namespaces");
    assertEquals(0, namespaces.code(), namespaces.err());
    assertTrue(namespaces.out().contains("skiff-system"), namespaces.out());
    assertEquals(Files.readString(dir.resolve("first/pki/ca.crt")), Files.readString(dir.resolve("second/pki/ca.crt")));
    assertFalse(servers.get(1).log().contains(token.substring(7)), "the secret is not in the log");
    // two members: removing one needs both (a quorum of two), so remove it while it runs
    Skiff.Result removed = skiff("cluster", "remove-member", second);
    assertEquals(0, removed.code(), removed.err());
    assertFalse(skiff("cluster", "members").out().contains(second));
  }

  private static String find(Pattern pattern, String text) {
    Matcher matcher = pattern.matcher(text);
    assertTrue(matcher.find(), pattern + " in " + text);
    return matcher.group(1);
  }

  private Skiff.Result skiff(String... args) throws Exception {
    return new PackagedSkiff(dir).run(args);
  }
}
