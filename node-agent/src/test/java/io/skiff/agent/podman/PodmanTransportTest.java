package io.skiff.agent.podman;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;

import io.skiff.agent.runtime.RuntimeError;
import io.skiff.agent.runtime.RuntimeError.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PodmanTransportTest {
  @Test
  void podmanCausesDecideBeforeStatus() {
    // Podman 4.3 answers 500 to these
    assertEquals(Kind.CONFLICT, PodmanTransport.kind(500, "that name is already in use"));
    assertEquals(Kind.CONFLICT, PodmanTransport.kind(500, "container state improper"));
    assertEquals(Kind.NOT_FOUND, PodmanTransport.kind(500, "image not known"));
    assertEquals(Kind.NOT_FOUND, PodmanTransport.kind(404, "no such container"));
    assertEquals(Kind.NOT_FOUND, PodmanTransport.kind(404, ""));
    assertEquals(Kind.CONFLICT, PodmanTransport.kind(409, ""));
    assertEquals(Kind.ENGINE, PodmanTransport.kind(500, "something else"));
  }

  @Test
  void missingSocketIsUnavailable(@TempDir Path dir) {
    try (PodmanClient client = new PodmanClient(dir.resolve("podman.sock"), Duration.ofSeconds(5))) {
      RuntimeError e = assertThrows(RuntimeError.class, client::version);
      assertEquals(Kind.UNAVAILABLE, e.kind());
      assertTrue(e.getMessage().contains("podman.sock"), e.getMessage());
    }
  }
}
