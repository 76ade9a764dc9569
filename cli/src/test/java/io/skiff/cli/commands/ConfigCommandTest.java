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
        - {name: a, endpoints: [127.0.0.1:1], namespace: x}
        - {name: b, endpoints: "127.0.0.1:2,127.0.0.1:3"}
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
}
