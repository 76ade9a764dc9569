package io.skiff.controlplane.scheduler;

import static io.skiff.controlplane.scheduler.policy.SchedulingFixtures.node;
import static io.skiff.controlplane.scheduler.policy.SchedulingFixtures.pod;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skiff.api.v1.Pod;
import io.skiff.controlplane.scheduler.policy.ClusterView;
import io.skiff.controlplane.scheduler.policy.NodeInfo;
import io.skiff.controlplane.scheduler.policy.PodInfo;
import java.util.List;
import org.junit.jupiter.api.Test;

class SchedulerCacheTest {
  private final SchedulerCache cache = new SchedulerCache();

  private static Pod bound(Pod pod, String node) {
    return pod.toBuilder().setSpec(pod.getSpec().toBuilder().setNodeName(node)).build();
  }

  private long cpuOn(String node) {
    return cache.node(node).requestedCpuMillis();
  }

  @Test
  void anAssumedPodCountsUntilItsBindFails() {
    cache.putNode(node("a").build());
    PodInfo pod = pod("p").requests("1", null).info();
    cache.assume(pod, "a");
    assertTrue(cache.isAssumed("p"));
    assertEquals(1000, cpuOn("a"));
    assertEquals(1000, cache.snapshot().get(0).requestedCpuMillis());

    cache.forget("p");
    assertFalse(cache.isAssumed("p"));
    assertEquals(0, cpuOn("a"));
  }

  @Test
  void thePodSeenBoundTakesOverItsAssumedPlace() {
    cache.putNode(node("a").build());
    cache.putNode(node("b").build());
    Pod pod = pod("p").requests("1", null).build();
    cache.assume(PodInfo.of(pod), "a");
    cache.putBoundPod(bound(pod, "a"));
    assertFalse(cache.isAssumed("p"));
    cache.forget("p");  // a late failure report does not undo what was seen
    assertEquals(1000, cpuOn("a"));

    // bound around the scheduler elsewhere than it decided: counted where it is
    Pod other = pod("q").requests("500m", null).build();
    cache.assume(PodInfo.of(other), "a");
    cache.putBoundPod(bound(other, "b"));
    assertEquals(1000, cpuOn("a"));
    assertEquals(500, cpuOn("b"));
  }

  @Test
  void podsCountOncePerUidAndLeaveWhenRemoved() {
    cache.putNode(node("a").build());
    Pod pod = bound(pod("p").requests("1", null).owner("rs").build(), "a");
    cache.putBoundPod(pod);
    cache.putBoundPod(pod.toBuilder().setStatus(pod.getStatus().toBuilder().setPhase("Running")).build());
    assertEquals(1, cache.node("a").podCount());
    assertEquals(1, cache.node("a").podsOf("rs"));

    cache.removePod("p");
    assertEquals(0, cache.node("a").podCount());
    assertEquals(0, cache.node("a").podsOf("rs"));
  }

  @Test
  void podsSeenBeforeTheirNodeAreCountedWhenItComesButNotViewedBefore() {
    cache.putBoundPod(bound(pod("p").requests("1", null).build(), "late"));
    assertEquals(0, cache.snapshot().size());

    cache.putNode(node("late").build());
    assertEquals(1000, cache.snapshot().get(0).requestedCpuMillis());

    cache.removeNode("late");
    assertEquals(0, cache.snapshot().size());
    assertEquals(1000, cpuOn("late"));  // until the pod is seen gone
    cache.removePod("p");
    assertNull(cache.node("late"));
  }

  @Test
  void removingANodeKeepsTheOthersInOrder() {
    for (String name : List.of("a", "b", "c", "d")) {
      cache.putNode(node(name).build());
    }
    cache.removeNode("b");
    assertEquals(List.of("a", "d", "c"), names(cache.snapshot()));
    cache.removeNode("c");
    assertEquals(List.of("a", "d"), names(cache.snapshot()));
  }

  @Test
  void aSnapshotIsReusedUntilSomethingChangesAndNeverChangesItself() {
    cache.putNode(node("a").build());
    ClusterView first = cache.snapshot();
    assertSame(first, cache.snapshot());

    cache.assume(pod("p").requests("1", null).info(), "a");
    ClusterView second = cache.snapshot();
    assertNotSame(first, second);
    assertEquals(0, first.get(0).requestedCpuMillis());
    assertEquals(1000, second.get(0).requestedCpuMillis());

    cache.putNode(node("a").allocatable("cpu", "8").build());
    NodeInfo updated = cache.snapshot().get(0);
    assertEquals(8000, updated.allocatableCpuMillis());
    assertEquals(1000, updated.requestedCpuMillis());  // a new Node keeps the pods counted on it
  }

  private static List<String> names(ClusterView view) {
    return view.nodes().stream().map(NodeInfo::name).toList();
  }
}
