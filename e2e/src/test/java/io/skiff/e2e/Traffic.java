package io.skiff.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.skiff.api.v1.ClusterGrpc;
import io.skiff.api.v1.MembersRequest;
import io.skiff.api.v1.Namespace;
import io.skiff.api.v1.ObjectMeta;
import io.skiff.api.v1.RoleBinding;
import io.skiff.api.v1.Subject;
import io.skiff.client.Credentials;
import io.skiff.client.ResourceClient;
import io.skiff.client.ResourceTypes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The clients of a failover test, each with a channel of its own over every master: one
 * {@link PodWriter} and three {@link PodWatcher}s of a fresh namespace. The watchers start before
 * the writer, so each must hear exactly what the writer wrote.
 */
final class Traffic implements AutoCloseable {
  static final int WATCHERS = 3;
  private static final Duration PATIENCE = Duration.ofSeconds(60);

  final String namespace;
  final PodWriter writer;
  final List<PodWatcher> watchers = new ArrayList<>();
  /** By client: "writer", "watcher-1".. */
  private final Map<String, ManagedChannel> channels = new LinkedHashMap<>();

  private Traffic(MasterSet cluster, String namespace, String node) {
    this.namespace = namespace;
    ManagedChannel admin = cluster.channel();
    await("namespace " + namespace).atMost(PATIENCE).ignoreException(StatusRuntimeException.class).until(() -> {
      new ResourceClient<>(admin, ResourceTypes.NAMESPACES, 10_000)
          .create(Namespace.newBuilder().setMetadata(ObjectMeta.newBuilder().setName(namespace)).build());
      return true;
    });
    // watcher-1 is a user with a bearer token and the view role in the namespace, as a dashboard
    // would be; the others and the writer are the administrator
    String viewer = namespace + "-viewer";
    await("view for " + viewer).atMost(PATIENCE).ignoreException(StatusRuntimeException.class).until(() -> {
      new ResourceClient<>(admin, ResourceTypes.ROLE_BINDINGS, 10_000).create(RoleBinding.newBuilder()
          .setMetadata(ObjectMeta.newBuilder().setNamespace(namespace).setName(viewer)).setRole("view")
          .addSubjects(Subject.newBuilder().setKind("User").setName(viewer)).build());
      return true;
    });
    Credentials viewerToken = cluster.token(await("a token for " + viewer).atMost(PATIENCE)
        .ignoreException(StatusRuntimeException.class).until(() -> cluster.userToken(viewer), t -> t != null));
    cluster.awaitAcceptedEverywhere(viewerToken);
    for (int i = 1; i <= WATCHERS; i++) {
      ManagedChannel channel = i == 1 ? cluster.channel(viewerToken) : cluster.channel();
      channels.put("watcher-" + i, channel);
      watchers.add(new PodWatcher(channel, namespace));
    }
    ManagedChannel channel = cluster.channel();
    channels.put("writer", channel);
    this.writer = new PodWriter(channel, namespace, node);
  }

  /** Creates {@code namespace}, starts the watchers, then the writer (whose pods are bound to {@code node}). */
  static Traffic start(MasterSet cluster, String namespace, String node) {
    Traffic traffic = new Traffic(cluster, namespace, node);
    traffic.writer.start();
    return traffic;
  }

  /** Waits until the writer has {@code count} acknowledged writes. */
  void awaitWrites(int count) {
    await("the writer's " + count + "th write").atMost(PATIENCE).pollInterval(Duration.ofMillis(20))
        .until(() -> writer.count() >= count);
  }

  /** Which master each client's channel uses now (Cluster/Members' answered_by over that channel). */
  Map<String, String> servedBy() {
    Map<String, String> served = new LinkedHashMap<>();
    channels.forEach((client, channel) -> served.put(client, ClusterGrpc.newBlockingStub(channel)
        .withDeadlineAfter(5, TimeUnit.SECONDS).members(MembersRequest.getDefaultInstance()).getAnsweredBy()));
    return served;
  }

  /**
   * Stops the writer, waits until every watcher has heard as many changes, and fails unless each
   * heard exactly the writer's changes, in order, and its watch is still running.
   */
  void stopAndCheck() throws InterruptedException {
    writer.stop();
    List<Change> written = writer.acknowledged();
    for (int i = 0; i < watchers.size(); i++) {
      PodWatcher watcher = watchers.get(i);
      await("watcher-" + (i + 1) + " hears " + written.size() + " changes").atMost(PATIENCE)
          .pollInterval(Duration.ofMillis(50))
          .until(() -> watcher.count() >= written.size() || watcher.ended() != null);
      assertNull(watcher.ended(), "watcher-" + (i + 1) + "'s watch ended");
      Changes.assertSameSequence("watcher-" + (i + 1), written, watcher.seen());
    }
  }

  PodWatcher watcher(String client) {
    return watchers.get(Integer.parseInt(client.substring("watcher-".length())) - 1);
  }

  @Override
  public void close() {
    try {
      writer.close();
    } finally {
      watchers.forEach(PodWatcher::close);
      channels.values().forEach(ManagedChannel::shutdownNow);
    }
  }
}
