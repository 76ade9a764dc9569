package io.skiff.controlplane.api;

import static io.skiff.controlplane.testing.PodWrites.awaitCount;
import static io.skiff.controlplane.testing.PodWrites.awaitThrough;
import static io.skiff.controlplane.testing.PodWrites.createNamespace;
import static io.skiff.controlplane.testing.PodWrites.from;
import static io.skiff.controlplane.testing.PodWrites.watch;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.skiff.api.v1.ListRequest;
import io.skiff.api.v1.Pod;
import io.skiff.api.v1.PodList;
import io.skiff.api.v1.PodSpec;
import io.skiff.api.v1.PodWatchEvent;
import io.skiff.api.v1.PodsGrpc;
import io.skiff.api.v1.WatchRequest;
import io.skiff.controlplane.testing.MasterCluster;
import io.skiff.controlplane.testing.PodWrites;
import io.skiff.controlplane.testing.PodWrites.Change;
import io.skiff.controlplane.testing.WatchRecorder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Watch through gRPC against one real master whose watch cache keeps only
 * {@value #RING} events and offers bookmarks every 200 ms. Each test works in
 * its own namespace and watches only that namespace (or its own labels).
 */
class PodWatchTest {
  static final int RING = 50;

  @TempDir
  static Path dataDir;
  static MasterCluster cluster;
  static ManagedChannel channel;

  @BeforeAll
  static void start() throws Exception {
    cluster = MasterCluster.start(1, dataDir, MasterCluster.watchCache(RING, Duration.ofMillis(200)));
    channel = cluster.channel(0);
  }

  @AfterAll
  static void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  // ---- list, then watch ----

  @Test
  void aWatchFromTheListsResourceVersionSeesExactlyTheLaterChangesInOrder() {
    String ns = "list-then-watch";
    createNamespace(channel, ns);
    PodWrites writes = new PodWrites();
    writes.create(channel, ns, "a", Map.of());
    writes.create(channel, ns, "b", Map.of());
    writes.create(channel, ns, "c", Map.of());

    PodList list = pods().list(ListRequest.newBuilder().setNamespace(ns).build());
    assertEquals(3, list.getItemsCount());
    long listed = list.getMetadata().getResourceVersion();

    // changes between the List and the Watch call are seen too
    writes.relabel(channel, ns, "a", Map.of("v", "2"));
    writes.delete(channel, ns, "b");
    writes.create(channel, ns, "d", Map.of());
    WatchRecorder<PodWatchEvent> watch = watch(channel, from(ns, listed));
    writes.relabel(channel, ns, "d", Map.of("v", "2"));
    writes.relabel(channel, ns, "a", Map.of("v", "3"));
    writes.delete(channel, ns, "a");
    writes.create(channel, ns, "e", Map.of());
    writes.delete(channel, ns, "c");
    writes.create(channel, ns, "b", Map.of("again", "yes"));
    writes.create(channel, ns, "fence", Map.of());

    List<Change> expected = after(writes.expected(), listed);
    assertEquals(10, expected.size());
    List<Change> seen = awaitThrough(watch, "fence");
    assertEquals(expected, seen);
    assertStrictlyIncreasing(seen);
    assertEquals(Set.of("ADDED", "MODIFIED", "DELETED"), seen.stream().map(Change::type).collect(Collectors.toSet()));
    // the objects are the objects as written
    PodWatchEvent modified = watch.events().get(0);
    assertEquals("MODIFIED", modified.getType());
    assertEquals(Map.of("v", "2"), modified.getObject().getMetadata().getLabelsMap());
    Pod recreated = watch.events().stream().filter(e -> e.getObject().getMetadata().getName().equals("b")
        && e.getType().equals("ADDED")).findFirst().orElseThrow().getObject();
    assertEquals(writes.current(ns, "b"), recreated, "the event's object is the object the create returned");
    watch.cancel();
  }

  // ---- OUT_OF_RANGE ----

  @Test
  void aResumePointTheRingNoLongerCoversIsOutOfRangeAndTheClientRelists() {
    String ns = "too-old";
    createNamespace(channel, ns);
    long listed = pods().list(ListRequest.newBuilder().setNamespace(ns).build()).getMetadata().getResourceVersion();
    PodWrites writes = new PodWrites();
    for (int i = 0; i < RING + 10; i++) {
      writes.create(channel, ns, "p" + i, Map.of());
    }

    WatchRecorder<PodWatchEvent> tooOld = watch(channel, from(ns, listed));
    Status status = tooOld.awaitEnd();
    assertEquals(Status.Code.OUT_OF_RANGE, status.getCode(), status.toString());
    assertTrue(status.getDescription().contains("too old resource version: " + listed), status.getDescription());
    assertTrue(status.getDescription().contains("list again"), status.getDescription());
    assertEquals(0, tooOld.count());

    // a resume point the ring still covers works: the last 40 creates
    long twentieth = writes.expected().get(19).resourceVersion();
    WatchRecorder<PodWatchEvent> recent = watch(channel, from(ns, twentieth));
    assertEquals(after(writes.expected(), twentieth), awaitCount(recent, RING + 10 - 20));

    // what the message asks: list again, watch from the list
    PodList relisted = pods().list(ListRequest.newBuilder().setNamespace(ns).build());
    assertEquals(RING + 10, relisted.getItemsCount());
    WatchRecorder<PodWatchEvent> again = watch(channel, from(ns, relisted.getMetadata().getResourceVersion()));
    writes.create(channel, ns, "fence", Map.of());
    assertEquals(List.of(writes.expected().get(RING + 10)), awaitThrough(again, "fence"));
    recent.cancel();
    again.cancel();
  }

  /**
   * A client that stops reading: its stream fills (its flow-control window is
   * 1 MB, each pod here 64 KB) and the server keeps only its place in the ring.
   * When the ring has moved past that place and the client reads again, it gets
   * what was already on its way, in order, and then OUT_OF_RANGE.
   */
  @Test
  void aClientThatStopsReadingUntilTheRingPassesItIsToldToRelist() {
    String ns = "left-behind";
    createNamespace(channel, ns);
    long listed = pods().list(ListRequest.newBuilder().setNamespace(ns).build()).getMetadata().getResourceVersion();
    ManagedChannel own = NettyChannelBuilder.forAddress("127.0.0.1", cluster.apiPort(0)).usePlaintext().build();
    try {
      WatchRecorder<PodWatchEvent> slow = watch(own, from(ns, listed), WatchRecorder.paused());
      PodWrites writes = new PodWrites();
      String ballast = "x".repeat(64 * 1024);
      int count = 2 * RING;
      for (int i = 0; i < count; i++) {
        Pod pod = PodWrites.pod(ns, "p" + i, Map.of());
        writes.create(channel, pod.toBuilder()
            .setMetadata(pod.getMetadata().toBuilder().putAnnotations("ballast", ballast)).build());
      }
      assertEquals(0, slow.count());

      slow.request(Integer.MAX_VALUE);
      Status status = slow.awaitEnd();
      assertEquals(Status.Code.OUT_OF_RANGE, status.getCode(), status.toString());
      assertTrue(status.getDescription().contains("list again"), status.getDescription());
      List<Change> received = slow.events(Change::of);
      assertTrue(received.size() < count - RING, "the ring moved past it: " + received.size());
      assertEquals(writes.expected().subList(0, received.size()), received, "what it got is a gapless prefix");
    } finally {
      own.shutdownNow();
    }
  }

  // ---- bookmarks ----

  @Test
  void anIdleWatchGetsBookmarksThatFollowUnrelatedWritesOnlyIfItAskedForThem() {
    String quiet = "bookmarks-quiet";
    String busy = "bookmarks-busy";
    createNamespace(channel, quiet);
    createNamespace(channel, busy);
    long listed = pods().list(ListRequest.newBuilder().setNamespace(quiet).build()).getMetadata().getResourceVersion();
    WatchRecorder<PodWatchEvent> withBookmarks = watch(channel, from(quiet, listed).toBuilder()
        .setAllowBookmarks(true).build());
    WatchRecorder<PodWatchEvent> plain = watch(channel, from(quiet, listed));

    PodWrites writes = new PodWrites();
    for (int i = 0; i < 3; i++) {
      long written = writes.create(channel, busy, "p" + i, Map.of()).getMetadata().getResourceVersion();
      // the next bookmark after the write carries its revision (or a later one)
      withBookmarks.awaitEvent(e -> e.getType().equals("BOOKMARK")
          && e.getObject().getMetadata().getResourceVersion() >= written);
    }
    List<PodWatchEvent> bookmarks = withBookmarks.events();
    assertTrue(bookmarks.size() >= 3, bookmarks.toString());
    for (PodWatchEvent bookmark : bookmarks) {
      assertEquals("BOOKMARK", bookmark.getType());
      Pod object = bookmark.getObject();
      assertEquals("", object.getMetadata().getName(), "a bookmark carries only the resource_version");
      assertEquals(PodSpec.getDefaultInstance(), object.getSpec());
    }
    assertStrictlyIncreasing(withBookmarks.events(Change::of));

    Pod fence = writes.create(channel, quiet, "fence", Map.of());
    Change fenceAdded = new Change("ADDED", quiet, "fence", fence.getMetadata().getResourceVersion());
    assertEquals(List.of(fenceAdded), awaitThrough(plain, "fence"), "no bookmarks unless asked for");
    assertEquals(List.of(fenceAdded), awaitThrough(withBookmarks, "fence"));
    withBookmarks.cancel();
    plain.cancel();
  }

  @Test
  void initialEventsAreAnAddedPerMatchThenABookmarkThenTheChanges() {
    String ns = "initial-events";
    createNamespace(channel, ns);
    PodWrites writes = new PodWrites();
    Pod a = writes.create(channel, ns, "a", Map.of("app", "web"));
    Pod b = writes.create(channel, ns, "b", Map.of("app", "web"));
    long last = writes.create(channel, ns, "c", Map.of("app", "db")).getMetadata().getResourceVersion();
    awaitCacheAt(ns, last);

    WatchRecorder<PodWatchEvent> watch = watch(channel, WatchRequest.newBuilder().setNamespace(ns)
        .setLabelSelector("app=web").setSendInitialEvents(true).setAllowBookmarks(true).build());
    List<Change> initial = awaitCount(watch, 3);
    assertEquals(new Change("ADDED", ns, "a", a.getMetadata().getResourceVersion()), initial.get(0));
    assertEquals(new Change("ADDED", ns, "b", b.getMetadata().getResourceVersion()), initial.get(1));
    assertEquals(a, watch.events().get(0).getObject());
    Change bookmark = initial.get(2);
    assertTrue(bookmark.isBookmark(), initial.toString());
    assertTrue(bookmark.resourceVersion() >= last, "the bookmark is where the initial state was taken: " + bookmark);

    Pod c = writes.relabel(channel, ns, "c", Map.of("app", "web"));
    Pod a2 = writes.relabel(channel, ns, "a", Map.of("app", "db"));
    Pod fence = writes.create(channel, ns, "fence", Map.of("app", "web"));
    List<Change> seen = awaitThrough(watch, "fence");  // without bookmarks: the initial ADDEDs, then changes
    assertEquals(List.of(
        new Change("ADDED", ns, "c", c.getMetadata().getResourceVersion()),
        new Change("DELETED", ns, "a", a2.getMetadata().getResourceVersion()),
        new Change("ADDED", ns, "fence", fence.getMetadata().getResourceVersion())),
        seen.subList(2, seen.size()));
    watch.cancel();
  }

  // ---- selectors ----

  @Test
  void aLabelSelectorWatchSeesAPodLeaveAsDeletedAndComeBackAsAdded() {
    String ns = "label-selector";
    createNamespace(channel, ns);
    long listed = pods().list(ListRequest.newBuilder().setNamespace(ns).build()).getMetadata().getResourceVersion();
    WatchRecorder<PodWatchEvent> watch = watch(channel, from(ns, listed).toBuilder()
        .setLabelSelector("app=web").build());

    PodWrites writes = new PodWrites();
    long x1 = rv(writes.create(channel, ns, "x", Map.of("app", "web")));
    writes.create(channel, ns, "y", Map.of("app", "db"));
    long xOut = rv(writes.relabel(channel, ns, "x", Map.of("app", "db")));
    writes.relabel(channel, ns, "x", Map.of("app", "db", "still", "out"));
    long xIn = rv(writes.relabel(channel, ns, "x", Map.of("app", "web", "v", "2")));
    long yIn = rv(writes.relabel(channel, ns, "y", Map.of("app", "web")));
    long xMod = rv(writes.relabel(channel, ns, "x", Map.of("app", "web", "v", "3")));
    long yGone = rv(writes.delete(channel, ns, "y"));
    long fence = rv(writes.create(channel, ns, "fence", Map.of("app", "web")));

    assertEquals(List.of(
        new Change("ADDED", ns, "x", x1),
        new Change("DELETED", ns, "x", xOut),
        new Change("ADDED", ns, "x", xIn),
        new Change("ADDED", ns, "y", yIn),
        new Change("MODIFIED", ns, "x", xMod),
        new Change("DELETED", ns, "y", yGone),
        new Change("ADDED", ns, "fence", fence)), awaitThrough(watch, "fence"));
    assertEquals(Map.of("app", "web"), watch.events().get(1).getObject().getMetadata().getLabelsMap(),
        "leaving the selector: the DELETED object is the last state that matched");
    assertEquals(Map.of("app", "web", "v", "2"), watch.events().get(2).getObject().getMetadata().getLabelsMap());
    watch.cancel();
  }

  @Test
  void aFieldSelectorOnNodeNameSeesPodsBoundToTheNode() {
    String ns = "field-selector";
    createNamespace(channel, ns);
    long listed = pods().list(ListRequest.newBuilder().setNamespace(ns).build()).getMetadata().getResourceVersion();
    WatchRecorder<PodWatchEvent> watch = watch(channel, from(ns, listed).toBuilder()
        .setFieldSelector("spec.nodeName=node-a").build());

    PodWrites writes = new PodWrites();
    long p1 = rv(writes.create(channel, onNode(PodWrites.pod(ns, "p1", Map.of()), "node-a")));
    writes.create(channel, ns, "p2", Map.of());
    writes.create(channel, onNode(PodWrites.pod(ns, "p3", Map.of()), "node-b"));
    long p2Bound = rv(writes.update(channel, ns, "p2", p -> onNode(p, "node-a")));
    long p1Labelled = rv(writes.relabel(channel, ns, "p1", Map.of("seen", "yes")));
    writes.relabel(channel, ns, "p3", Map.of("seen", "no"));
    long p1Gone = rv(writes.delete(channel, ns, "p1"));
    writes.delete(channel, ns, "p3");
    long fence = rv(writes.create(channel, onNode(PodWrites.pod(ns, "fence", Map.of()), "node-a")));

    assertEquals(List.of(
        new Change("ADDED", ns, "p1", p1),
        new Change("ADDED", ns, "p2", p2Bound),
        new Change("MODIFIED", ns, "p1", p1Labelled),
        new Change("DELETED", ns, "p1", p1Gone),
        new Change("ADDED", ns, "fence", fence)), awaitThrough(watch, "fence"));
    watch.cancel();
  }

  @Test
  void aWatchSeesOnlyItsNamespaceWhetherNamedOrSelected() {
    String nsA = "namespace-a";
    String nsB = "namespace-b";
    createNamespace(channel, nsA);
    createNamespace(channel, nsB);
    long listed = pods().list(ListRequest.getDefaultInstance()).getMetadata().getResourceVersion();
    WatchRecorder<PodWatchEvent> onlyA = watch(channel, from(nsA, listed));
    WatchRecorder<PodWatchEvent> onlyB = watch(channel, from("", listed).toBuilder()
        .setFieldSelector("metadata.namespace=" + nsB).build());
    WatchRecorder<PodWatchEvent> both = watch(channel, from("", listed).toBuilder()
        .setLabelSelector("suite=namespaces").build());

    PodWrites writes = new PodWrites();
    Map<String, String> suite = Map.of("suite", "namespaces");
    writes.create(channel, nsA, "a1", suite);
    writes.create(channel, nsB, "b1", suite);
    writes.create(channel, nsA, "a2", suite);
    writes.relabel(channel, nsB, "b1", Map.of("suite", "namespaces", "v", "2"));
    writes.delete(channel, nsA, "a1");
    writes.create(channel, nsB, "fence", suite);
    writes.create(channel, nsA, "fence", suite);

    List<Change> all = writes.expected();
    assertEquals(all.stream().filter(c -> c.namespace().equals(nsA)).toList(), awaitThrough(onlyA, "fence"));
    assertEquals(all.stream().filter(c -> c.namespace().equals(nsB)).toList(), awaitThrough(onlyB, "fence"));
    List<Change> seenByBoth = awaitCount(both, all.size());
    assertEquals(all, seenByBoth);
    onlyA.cancel();
    onlyB.cancel();
    both.cancel();
  }

  @Test
  void aBadWatchRequestIsInvalidArgumentNamingTheField() {
    Status negative = watch(channel, from("default", -1)).awaitEnd();
    assertEquals(Status.Code.INVALID_ARGUMENT, negative.getCode());
    assertTrue(negative.getDescription().startsWith("resourceVersion"), negative.getDescription());
    Status labels = watch(channel, from("default", 0).toBuilder().setLabelSelector("app in (").build()).awaitEnd();
    assertEquals(Status.Code.INVALID_ARGUMENT, labels.getCode());
    assertTrue(labels.getDescription().startsWith("label_selector"), labels.getDescription());
    Status fields = watch(channel, from("default", 0).toBuilder().setFieldSelector("spec.image=x").build()).awaitEnd();
    assertEquals(Status.Code.INVALID_ARGUMENT, fields.getCode());
    assertTrue(fields.getDescription().startsWith("field_selector"), fields.getDescription());
  }

  // ---- helpers ----

  private static PodsGrpc.PodsBlockingStub pods() {
    return PodsGrpc.newBlockingStub(channel);
  }

  private static long rv(Pod pod) {
    return pod.getMetadata().getResourceVersion();
  }

  private static Pod onNode(Pod pod, String node) {
    return pod.toBuilder().setSpec(pod.getSpec().toBuilder().setNodeName(node)).build();
  }

  private static List<Change> after(List<Change> changes, long resourceVersion) {
    return changes.stream().filter(c -> c.resourceVersion() > resourceVersion).toList();
  }

  /** Waits until this master's watch cache has the write at {@code resourceVersion} in namespace {@code ns}. */
  private static void awaitCacheAt(String ns, long resourceVersion) {
    WatchRecorder<PodWatchEvent> probe = watch(channel, from(ns, resourceVersion - 1));
    probe.awaitEvent(e -> e.getObject().getMetadata().getResourceVersion() >= resourceVersion);
    probe.cancel();
  }

  static void assertStrictlyIncreasing(List<Change> changes) {
    List<Long> versions = new ArrayList<>();
    for (Change c : changes) {
      if (!versions.isEmpty()) {
        assertTrue(c.resourceVersion() > versions.get(versions.size() - 1), "not after its predecessor: " + c
            + " in " + changes);
      }
      versions.add(c.resourceVersion());
    }
  }

}
