package io.skiff.agent;

import io.skiff.controlplane.testing.MasterCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One real master for every agent test class that does not stop masters: started by the first
 * class that needs it, closed when the whole run ends. Each test uses its own node name, so their
 * agents do not meet.
 */
public final class SharedMasters implements BeforeAllCallback {
  private static volatile MasterCluster cluster;

  @Override
  public void beforeAll(ExtensionContext context) {
    context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
        .getOrComputeIfAbsent(SharedMasters.class, key -> new Holder(), Holder.class);
  }

  public static MasterCluster cluster() {
    return cluster;
  }

  private static final class Holder implements ExtensionContext.Store.CloseableResource, AutoCloseable {
    private final Path dataDir;

    Holder() {
      try {
        dataDir = Files.createTempDirectory("skiff-agent-tests");
        cluster = MasterCluster.start(1, dataDir);
      } catch (Exception e) {
        throw new IllegalStateException("cannot start the tests' master", e);
      }
    }

    @Override
    public void close() throws Exception {
      cluster.close();
      try (var files = Files.walk(dataDir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
