package io.skiff.cli.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skiff.cli.testing.Skiff;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** skiff config: contexts in the config file, and which masters and namespace a command uses. No master needed. */
class ConfigCommandTest {
  @TempDir
  Path home;

  private Skiff skiff(Path config) {
    return new Skiff(home, config);
  }

  @Test
  void contextsAreMadeChangedChosenListedAndRemoved() throws IOException {
    Path config = home.resolve(".skiff/config");
    Skiff skiff = skiff(config);
    assertEquals("Context \"local\" created (now the current context).\n", skiff.run("config", "set-context", "local",
        "--endpoints=127.0.0.1:6443,127.0.0.1:6444", "-n", "dev").out());
    assertEquals("Context \"prod\" created.\n", skiff.run("config", "set-context", "prod",
        "--endpoints", "10.0.0.1:6443").out());
    assertEquals("Context \"local\" modified.\n", skiff.run("config", "set-context", "--current",
        "--namespace=test").out());
    assertEquals("local\n", skiff.run("config", "current-context").out());
    assertEquals("""
        CURRENT   NAME    ENDPOINTS                       NAMESPACE
        *         local   127.0.0.1:6443,127.0.0.1:6444   test
                  prod    10.0.0.1:6443
        """, skiff.run("config", "get-contexts").out());
    assertEquals("Switched to context \"prod\".\n", skiff.run("config", "use-context", "prod").out());
    assertEquals("""
        current-context: prod
        contexts:
        - name: local
          endpoints:
          - 127.0.0.1:6443
          - 127.0.0.1:6444
          namespace: test
        - name: prod
          endpoints:
          - 10.0.0.1:6443
        """, skiff.run("config", "view").out());
    assertEquals("""
        current-context: prod
        contexts:
        - name: local
          endpoints:
          - 127.0.0.1:6443
          - 127.0.0.1:6444
          namespace: test
        - name: prod
          endpoints:
          - 10.0.0.1:6443
        """, Files.readString(config));
    assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
        Files.getPosixFilePermissions(config)));
    Skiff.Result missing = skiff.run("config", "use-context", "nope");
    assertEquals(1, missing.code());
    assertEquals("error: no context exists with the name \"nope\" in " + config + "\n", missing.err());
    assertEquals("Deleted context prod from " + config + "\n", skiff.run("config", "delete-context", "prod").out());
    assertEquals(1, skiff.run("config", "current-context").code());
  }

  @Test
  void commandsUseTheCurrentContextOrTheOneNamedOrTheServerGiven() throws IOException {
    Path config = home.resolve("cfg");
    Files.writeString(config, """
        current-context: a
        contexts:
        - {name: a, endpoints: [127.0.0.1:1], namespace: x, insecure: true}
        - {name: b, endpoints: "127.0.0.1:2,127.0.0.1:3", insecure: true}
        """);
    Skiff skiff = skiff(config);
    assertTrue(skiff.run("get", "pods", "--request-timeout=5s").err()
        .startsWith("error: cannot reach any master (tried 127.0.0.1:1): "));
    assertTrue(skiff.run("get", "pods", "--context", "b", "--request-timeout=5s").err()
        .startsWith("error: cannot reach any master (tried 127.0.0.1:2, 127.0.0.1:3): "));
    assertTrue(skiff.run("--server", "127.0.0.1:4", "get", "pods", "--request-timeout=5s").err()
        .startsWith("error: cannot reach any master (tried 127.0.0.1:4): "));
    assertEquals("error: context \"c\" is not in " + config + " (`skiff config get-contexts` lists them)\n",
        skiff.run("get", "pods", "--context", "c").err());
    assertEquals("error: --server: endpoint 'nonsense' is not host:port\n",
        skiff.run("get", "pods", "-s", "nonsense").err());
  }

  @Test
  void aBadConfigFileIsOneClearError() throws IOException {
    Path config = home.resolve("cfg");
    Files.writeString(config, "current-context: a\ncontext:\n- name: a\n");
    Skiff.Result result = skiff(config).run("get", "pods");
    assertEquals(1, result.code());
    assertEquals("error: config file " + config + ": context: unknown field; expected current-context or contexts\n",
        result.err());
    Files.writeString(config, "current-context: [\n");
    assertTrue(skiff(config).run("get", "pods").err().startsWith("error: config file " + config + ": "));
  }

  @Test
  void credentialsRoundTripAndTheTokenIsNeverShown() throws IOException {
    Path config = home.resolve(".skiff/config");
    Skiff skiff = skiff(config);
    String token = "abc123.0123456789abcdefghij0123456789ab";
    assertEquals(0, skiff.run("config", "set-context", "prod", "--endpoints=10.0.0.1:6443",
        "--certificate-authority=" + home.resolve("pki/ca.crt"), "--client-certificate", "pki/bob.crt",
        "--client-key=pki/bob.key", "--token", token).code());
    String written = Files.readString(config);
    assertTrue(written.contains("token: " + token), "the file keeps the token: " + written);
    assertTrue(written.contains("client-certificate: " + Path.of("pki/bob.crt").toAbsolutePath()),
        "a relative file given on the command line is stored absolute: " + written);

    Skiff.Result view = skiff.run("config", "view");
    assertEquals("""
        current-context: prod
        contexts:
        - name: prod
          endpoints:
          - 10.0.0.1:6443
          certificate-authority: %s
          client-certificate: %s
          client-key: %s
          token: REDACTED
        """.formatted(home.resolve("pki/ca.crt"), Path.of("pki/bob.crt").toAbsolutePath(),
        Path.of("pki/bob.key").toAbsolutePath()), view.out());
    assertTrue(!skiff.run("config", "view", "-o", "json").out().contains("0123456789"));

    // a context's insecure: true, set and unset
    skiff.run("config", "set-context", "prod", "--insecure");
    assertTrue(Files.readString(config).contains("insecure: true"));
    skiff.run("config", "set-context", "prod", "--insecure=false");
    assertTrue(!Files.readString(config).contains("insecure"));
    skiff.run("config", "set-context", "prod", "--token=");
    assertTrue(!Files.readString(config).contains("token"), "--token= removes the token");
  }

  @Test
  void relativeFilesOfTheConfigFileAreItsDirectorys() throws IOException {
    Path config = home.resolve("conf/config");
    Files.createDirectories(config.getParent());
    Files.writeString(config, """
        current-context: a
        contexts:
        - {name: a, endpoints: [127.0.0.1:1], certificate-authority: pki/ca.crt}
        """);
    Skiff.Result result = skiff(config).run("get", "pods");
    assertEquals("error: cannot read TLS file " + home.resolve("conf/pki/ca.crt") + "\n", result.err());
  }

  @Test
  void sessionsSayHowToConnectWhenTheyCannot() throws IOException {
    Path config = home.resolve("cfg");
    String token = "abc123.0123456789abcdefghij0123456789ab";
    Files.writeString(config, """
        current-context: a
        contexts:
        - {name: a, endpoints: [127.0.0.1:1]}
        - {name: plain, endpoints: [127.0.0.1:1], insecure: true, token: %s}
        - {name: half, endpoints: [127.0.0.1:1], certificate-authority: /ca.crt, client-key: /k.key}
        """.formatted(token));
    Skiff skiff = skiff(config);
    assertEquals("error: context \"a\" names no certificate-authority to check the masters with: `skiff config "
        + "set-context a --certificate-authority=FILE` (the cluster's ca.crt), or `skiff config set-context a "
        + "--insecure` for masters started with --insecure\n", skiff.run("get", "pods").err());
    Skiff.Result plain = skiff.run("get", "pods", "--context", "plain");
    assertTrue(plain.err().startsWith("error: a bearer token is sent over TLS only"), plain.err());
    assertTrue(!plain.err().contains("0123456789"), "no token in errors");
    assertTrue(skiff.run("get", "pods", "--context", "half").err().contains("no client certificate"));
    assertTrue(skiff.run("get", "pods", "--context", "a", "--insecure", "--ca-file", "/ca.crt").err()
        .contains("--insecure excludes --ca-file"));
    // flags win over the context: --insecure over its missing CA
    assertTrue(skiff.run("get", "pods", "--insecure", "--request-timeout=5s").err()
        .startsWith("error: cannot reach any master (tried 127.0.0.1:1): "));

    Skiff none = skiff(home.resolve("missing"));
    assertTrue(none.run("get", "pods").err().startsWith("error: no certificate authority to check the masters ("
        + "127.0.0.1:6443,127.0.0.1:6444,127.0.0.1:6445) with: give --ca-file FILE"), none.run("get", "pods").err());
    // commands that need no master need no credentials
    assertEquals(0, none.run("config", "view").code());
  }
}
