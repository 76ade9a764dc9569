package io.skiff.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The agent's command line, and its refusal to run without a real container engine. */
class AgentFlagsTest {
  @Test
  void defaultsAndFlags() {
    AgentConfig defaults = AgentFlags.parse(new String[0], "Worker-1");
    assertEquals("worker-1", defaults.nodeName());
    assertEquals(10250, defaults.port());
    assertEquals(Path.of("/run/skiff/podman.sock"), defaults.podmanSocket());
    assertEquals(Duration.ofSeconds(10), defaults.backoffInitial());
    assertEquals(Duration.ofMinutes(5), defaults.backoffMax());
    assertEquals("127.0.0.1", defaults.masters().get(0).getHostString());

    AgentConfig config = AgentFlags.parse(new String[] {"--masters", "10.0.0.1:6443,10.0.0.2:6444", "--node-name",
        "n1", "--port=10251", "--podman-socket", "/tmp/p.sock", "--backoff-initial-ms", "200", "--backoff-max-ms",
        "1600"}, "host");
    assertEquals(2, config.masters().size());
    assertEquals("n1", config.nodeName());
    assertEquals(10251, config.port());
    assertEquals(Path.of("/tmp/p.sock"), config.podmanSocket());
    assertEquals(Duration.ofMillis(200), config.backoffInitial());
    assertEquals(Duration.ofMillis(1600), config.backoffMax());
    assertNull(AgentFlags.parse(new String[] {"--help"}, "host"));
  }

  @Test
  void securityFlags() {
    AgentSecurity defaults = AgentFlags.parse(new String[0], "h").security();
    assertEquals(false, defaults.insecure());
    assertEquals(Path.of("/var/lib/skiff/agent/pki"), defaults.certDir());

    String hash = "sha256:" + "ab".repeat(32);
    AgentSecurity joining = AgentFlags.parse(new String[] {"--cert-dir", "/tmp/pki", "--token",
        "abc123.0123456789abcdefghij0123456789ab", "--ca-cert-hash", hash}, "h").security();
    assertEquals(Path.of("/tmp/pki"), joining.certDir());
    assertEquals(hash, joining.caCertHash());
    assertTrue(!joining.toString().contains("0123456789"), "no secret in " + joining);

    assertTrue(AgentFlags.parse(new String[] {"--insecure"}, "h").security().insecure());
    assertTrue(AgentFlags.parse(new String[] {"--insecure", "--port", "1"}, "h").security().insecure());
    assertTrue(assertThrows(IllegalArgumentException.class, () -> AgentFlags.parse(new String[] {"--token",
        "abc123.0123456789abcdefghij0123456789ab"}, "h")).getMessage().contains("--ca-cert-hash"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> AgentFlags.parse(new String[] {"--insecure",
        "--token", "abc123.0123456789abcdefghij0123456789ab", "--ca-cert-hash", hash}, "h")).getMessage()
        .contains("--insecure"));
    String badToken = assertThrows(IllegalArgumentException.class, () -> AgentFlags.parse(new String[] {"--token",
        "NOT-A-TOKEN-SECRET", "--ca-cert-hash", hash}, "h")).getMessage();
    assertTrue(badToken.contains("--token") && !badToken.contains("NOT-A-TOKEN-SECRET"), badToken);
  }

  @Test
  void badFlagsAreNamed() {
    assertTrue(assertThrows(IllegalArgumentException.class, () -> AgentFlags.parse(new String[] {"--nodes", "x"}, "h"))
        .getMessage().contains("--nodes"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> AgentFlags.parse(new String[] {"--port", "x"}, "h"))
        .getMessage().contains("--port"));
    assertThrows(IllegalArgumentException.class, () -> AgentFlags.parse(new String[] {"--backoff-initial-ms", "500",
        "--backoff-max-ms", "100"}, "h"));
  }

  @Test
  void aMissingPodmanSocketIsUnavailableAndNamed() {
    String socket = "/nonexistent/skiff/podman.sock";
    io.skiff.agent.runtime.RuntimeError refused = assertThrows(io.skiff.agent.runtime.RuntimeError.class,
        () -> new PodmanRuntimeFactory().open(AgentFlags.parse(new String[] {"--podman-socket", socket}, "h")).version());
    assertEquals(io.skiff.agent.runtime.RuntimeError.Kind.UNAVAILABLE, refused.kind());
    assertTrue(refused.getMessage().contains(socket), refused.getMessage());
  }
}
