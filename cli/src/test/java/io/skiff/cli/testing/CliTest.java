package io.skiff.cli.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A test of skiff commands against the shared master: a home directory with
 * a config file whose current context points at the master and at a namespace
 * made for this test.
 */
@ExtendWith(SharedMaster.class)
public abstract class CliTest {
  @TempDir
  protected Path home;
  protected String namespace;
  protected Skiff skiff;

  @BeforeEach
  void context() throws IOException {
    namespace = SharedMaster.newNamespace(getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT)
        .replace("test", ""));
    Path config = home.resolve(".skiff").resolve("config");
    Files.createDirectories(config.getParent());
    Files.writeString(config, "current-context: test\ncontexts:\n- name: test\n  endpoints: ["
        + SharedMaster.endpoint() + "]\n  namespace: " + namespace
        + "\n  insecure: true\n");  // MasterCluster's masters are insecure
    skiff = new Skiff(home, config);
  }

  /** Writes {@code text} to a file in the home directory and returns its path. */
  protected String file(String name, String text) throws IOException {
    Path path = home.resolve(name);
    Files.createDirectories(path.getParent());
    Files.writeString(path, text);
    return path.toString();
  }
}
