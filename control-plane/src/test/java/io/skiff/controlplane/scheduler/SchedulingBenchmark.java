package io.skiff.controlplane.scheduler;

import static io.skiff.controlplane.scheduler.policy.SchedulingFixtures.node;
import static io.skiff.controlplane.scheduler.policy.SchedulingFixtures.pod;

import io.skiff.api.v1.Pod;
import io.skiff.controlplane.scheduler.policy.Decision;
import io.skiff.controlplane.scheduler.policy.PodInfo;
import io.skiff.controlplane.scheduler.policy.SchedulingAlgorithm;
import io.skiff.controlplane.scheduler.policy.SchedulingFixtures;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Decisions per second of the algorithm on the cache, in memory, for 1,000 nodes and 10,000 pods:
 * each pod read, decided on a fresh snapshot, assumed, then seen bound as the informer would tell.
 * Wall time and the thread's cpu time are both told, since the machine may be busy with others.
 * Not part of the build's tests (its name is no test's); run it by hand:
 * {@code mvn -o -q -pl control-plane -am test -Dtest=SchedulingBenchmark -Dsurefire.failIfNoSpecifiedTests=false}.
 */
class SchedulingBenchmark {
  private static final int NODES = 1_000;
  private static final int PODS = 10_000;
  private static final int OWNERS = 100;
  /** The machine may be shared: cpu time says what the work costs, wall time what it got. */
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  @Test
  void decisionsPerSecond() {
    List<Pod> pods = pods();
    for (int round = 1; round <= 10; round++) {
      SchedulerCache cache = cache();
      SchedulingAlgorithm algorithm = SchedulingAlgorithm.defaults();
      int unschedulable = 0;
      long start = System.nanoTime();
      long cpuStart = THREADS.getCurrentThreadCpuTime();
      for (Pod pod : pods) {
        PodInfo info = PodInfo.of(pod);
        Decision decision = algorithm.decide(info, cache.snapshot());
        if (decision instanceof Decision.Bind bind) {
          cache.assume(info, bind.node());
          cache.putBoundPod(pod.toBuilder().setSpec(pod.getSpec().toBuilder().setNodeName(bind.node())).build());
        } else {
          unschedulable++;
        }
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      double cpuSeconds = (THREADS.getCurrentThreadCpuTime() - cpuStart) / 1e9;
      System.out.printf("round %d: %d pods on %d nodes in %.2f s (%.2f s of cpu): %.0f decisions/s, %.0f per cpu-second"
          + " (%d unschedulable)%n", round, PODS, NODES, seconds, cpuSeconds, PODS / seconds, PODS / cpuSeconds,
          unschedulable);
    }
  }

  /** Nodes of 4 cpus and 16Gi in 10 zones; one in ten tainted for GPUs. */
  private static SchedulerCache cache() {
    SchedulerCache cache = new SchedulerCache();
    for (int i = 0; i < NODES; i++) {
      SchedulingFixtures.NodeBuilder node = node("node-" + i).allocatable("memory", "16Gi").label("zone", "z" + i % 10);
      if (i % 10 == 9) {
        node.taint("dedicated", "gpu", "NoSchedule");
      }
      cache.putNode(node.build());
    }
    return cache;
  }

  /** Pods of 100 ReplicaSets requesting 100m and 256Mi; one in ten selects a zone, one in a hundred a host port. */
  private static List<Pod> pods() {
    List<Pod> pods = new ArrayList<>();
    for (int i = 0; i < PODS; i++) {
      SchedulingFixtures.PodBuilder pod = pod("pod-" + i).requests("100m", "256Mi").owner("rs-" + i % OWNERS);
      if (i % 10 == 0) {
        pod.nodeSelector("zone", "z" + i % 7);
      }
      if (i % 100 == 1) {
        pod.hostPort("TCP", 8080);
      }
      pods.add(pod.build());
    }
    return pods;
  }
}
