package io.skiff.cli.testing;

import io.grpc.ManagedChannel;
import io.skiff.api.v1.Namespace;
import io.skiff.api.v1.ObjectMeta;
import io.skiff.client.ResourceClient;
import io.skiff.client.ResourceType;
import io.skiff.client.ResourceTypes;
import io.skiff.controlplane.testing.MasterCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One real master for every test class that uses this extension, started
 * once per test run and stopped at its end; each test works in a namespace
 * of its own, so tests share the master without seeing each other.
 */
public final class SharedMaster implements BeforeAllCallback {
  private static volatile Holder holder;

  @Override
  public void beforeAll(ExtensionContext context) {
    holder = context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
        .getOrComputeIfAbsent(SharedMaster.class, k -> Holder.start(), Holder.class);
  }

  public static String endpoint() {
    return "127.0.0.1:" + holder.cluster.apiPort(0);
  }

  public static ManagedChannel channel() {
    return holder.cluster.channel(0);
  }

  public static <T extends com.google.protobuf.Message> ResourceClient<T> client(ResourceType<T> type) {
    return new ResourceClient<>(channel(), type, 30_000);
  }

  /** A new namespace with a unique name starting with {@code prefix}. */
  public static String newNamespace(String prefix) {
    String name = prefix + "-" + UUID.randomUUID().toString().substring(0, 6);
    client(ResourceTypes.NAMESPACES).create(Namespace.newBuilder()
        .setMetadata(ObjectMeta.newBuilder().setName(name)).build());
    return name;
  }

  private static final class Holder implements ExtensionContext.Store.CloseableResource, AutoCloseable {
    private final MasterCluster cluster;
    private final Path dir;

    private Holder(MasterCluster cluster, Path dir) {
      this.cluster = cluster;
      this.dir = dir;
    }

    static Holder start() {
      try {
        Path dir = Files.createTempDirectory("skiff-cli-master");
        return new Holder(MasterCluster.start(1, dir), dir);
      } catch (Exception e) {
        throw new IllegalStateException("cannot start a master", e);
      }
    }

    @Override
    public void close() throws Exception {
      cluster.close();
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
