package io.skiff.controlplane.scheduler.policy;

import static io.skiff.controlplane.scheduler.policy.SchedulingFixtures.node;
import static io.skiff.controlplane.scheduler.policy.SchedulingFixtures.pod;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class FiltersTest {
  private static final String NOT_READY = "node(s) were not ready";
  private static final String CORDONED = "node(s) were unschedulable";
  private static final String GPU_TAINT = "node(s) had untolerated taint {dedicated: gpu}";
  private static final String SELECTOR = "node(s) didn't match Pod's node affinity/selector";
  private static final String PORTS = "node(s) didn't have free ports for the requested pod ports";

  static Stream<Arguments> cases() {
    NodeInfo gpu = node("n").taint("dedicated", "gpu", "NoSchedule").info();
    NodeInfo full = node("n").allocatable("cpu", "1").allocatable("memory", "1Gi").allocatable("pods", "2").info()
        .withPod(pod("a").requests("600m", "512Mi").info());
    return Stream.of(
        // name, filter, pod, node, expected reason (null: passes)
        Arguments.of("ready node", (Filter) Filters::nodeReady, pod("p").info(), node("n").info(), null),
        Arguments.of("Ready=False", (Filter) Filters::nodeReady, pod("p").info(), node("n").ready("False").info(),
            NOT_READY),
        Arguments.of("Ready=Unknown", (Filter) Filters::nodeReady, pod("p").info(),
            node("n").ready("Unknown").info(), NOT_READY),

        Arguments.of("cordoned", (Filter) Filters::nodeSchedulable, pod("p").info(), node("n").unschedulable().info(),
            CORDONED),
        Arguments.of("cordoned, pod tolerates it", (Filter) Filters::nodeSchedulable,
            pod("p").toleration("node.kubernetes.io/unschedulable", "Exists", "", "NoSchedule").info(),
            node("n").unschedulable().info(), null),
        Arguments.of("not cordoned", (Filter) Filters::nodeSchedulable, pod("p").info(), node("n").info(), null),

        Arguments.of("untolerated NoSchedule", (Filter) Filters::taintsTolerated, pod("p").info(), gpu, GPU_TAINT),
        Arguments.of("untolerated NoExecute", (Filter) Filters::taintsTolerated, pod("p").info(),
            node("n").taint("dedicated", "gpu", "NoExecute").info(), GPU_TAINT),
        Arguments.of("PreferNoSchedule only advises", (Filter) Filters::taintsTolerated, pod("p").info(),
            node("n").taint("dedicated", "gpu", "PreferNoSchedule").info(), null),
        Arguments.of("Equal, same value", (Filter) Filters::taintsTolerated,
            pod("p").toleration("dedicated", "Equal", "gpu", "NoSchedule").info(), gpu, null),
        Arguments.of("Equal, other value", (Filter) Filters::taintsTolerated,
            pod("p").toleration("dedicated", "Equal", "cpu", "NoSchedule").info(), gpu, GPU_TAINT),
        Arguments.of("Exists on the key", (Filter) Filters::taintsTolerated,
            pod("p").toleration("dedicated", "Exists", "", "NoSchedule").info(), gpu, null),
        Arguments.of("Exists on another key", (Filter) Filters::taintsTolerated,
            pod("p").toleration("other", "Exists", "", "").info(), gpu, GPU_TAINT),
        Arguments.of("empty key with Exists tolerates all", (Filter) Filters::taintsTolerated,
            pod("p").toleration("", "Exists", "", "").info(),
            node("n").taint("a", "1", "NoSchedule").taint("b", "", "NoExecute").info(), null),
        Arguments.of("empty effect matches every effect", (Filter) Filters::taintsTolerated,
            pod("p").toleration("dedicated", "Equal", "gpu", "").info(), gpu, null),
        Arguments.of("other effect", (Filter) Filters::taintsTolerated,
            pod("p").toleration("dedicated", "Equal", "gpu", "NoExecute").info(), gpu, GPU_TAINT),
        Arguments.of("one of two taints tolerated", (Filter) Filters::taintsTolerated,
            pod("p").toleration("dedicated", "Exists", "", "").info(),
            node("n").taint("dedicated", "gpu", "NoSchedule").taint("zone", "", "NoExecute").info(),
            "node(s) had untolerated taint {zone: }"),

        Arguments.of("no selector", (Filter) Filters::nodeSelectorMatches, pod("p").info(), node("n").info(), null),
        Arguments.of("selector matches", (Filter) Filters::nodeSelectorMatches,
            pod("p").nodeSelector("disk", "ssd").nodeSelector("kubernetes.io/hostname", "n").info(),
            node("n").label("disk", "ssd").info(), null),
        Arguments.of("label missing", (Filter) Filters::nodeSelectorMatches,
            pod("p").nodeSelector("disk", "ssd").info(), node("n").info(), SELECTOR),
        Arguments.of("label differs", (Filter) Filters::nodeSelectorMatches,
            pod("p").nodeSelector("disk", "ssd").info(), node("n").label("disk", "hdd").info(), SELECTOR),

        Arguments.of("port free", (Filter) Filters::hostPortsFree, pod("p").hostPort("TCP", 80).info(),
            node("n").info().withPod(pod("a").hostPort("TCP", 81).info()), null),
        Arguments.of("port taken", (Filter) Filters::hostPortsFree, pod("p").hostPort("TCP", 80).info(),
            node("n").info().withPod(pod("a").hostPort("TCP", 80).info()), PORTS),
        Arguments.of("same port, other protocol", (Filter) Filters::hostPortsFree, pod("p").hostPort("UDP", 80).info(),
            node("n").info().withPod(pod("a").hostPort("TCP", 80).info()), null),
        Arguments.of("port freed by the pod leaving", (Filter) Filters::hostPortsFree,
            pod("p").hostPort("TCP", 80).info(), node("n").info().withPod(pod("a").hostPort("TCP", 80).info())
                .withoutPod(pod("a").hostPort("TCP", 80).info()), null),

        Arguments.of("fits exactly", (Filter) Filters::resourcesFit, pod("p").requests("400m", "512Mi").info(), full,
            null),
        Arguments.of("cpu short", (Filter) Filters::resourcesFit, pod("p").requests("401m", null).info(), full,
            "Insufficient cpu"),
        Arguments.of("memory short", (Filter) Filters::resourcesFit, pod("p").requests(null, "513Mi").info(), full,
            "Insufficient memory"),
        Arguments.of("cpu told before memory", (Filter) Filters::resourcesFit, pod("p").requests("1", "1Gi").info(),
            full, "Insufficient cpu"),
        Arguments.of("requests summed over containers", (Filter) Filters::resourcesFit,
            pod("p").requests("200m", null).requests("201m", null).info(), full, "Insufficient cpu"),
        Arguments.of("too many pods", (Filter) Filters::resourcesFit, pod("p").info(),
            full.withPod(pod("b").info()), "Too many pods"),
        Arguments.of("no pods allocatable: no limit", (Filter) Filters::resourcesFit, pod("p").info(),
            node("n").withoutAllocatable("pods").info().withPod(pod("a").info()), null),
        Arguments.of("nothing requested fits an overcommitted node", (Filter) Filters::resourcesFit,
            pod("p").info(), full.withPod(pod("b").requests("2", "2Gi").info()).withNode(
                node("n").allocatable("cpu", "1").allocatable("memory", "1Gi").build()), null),
        Arguments.of("no memory allocatable", (Filter) Filters::resourcesFit, pod("p").requests(null, "1").info(),
            node("n").withoutAllocatable("memory").info(), "Insufficient memory"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void filters(String name, Filter filter, PodInfo pod, NodeInfo node, String expected) {
    assertEquals(expected, filter.check(pod, node));
  }
}
