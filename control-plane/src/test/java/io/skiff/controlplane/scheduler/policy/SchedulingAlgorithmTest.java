package io.skiff.controlplane.scheduler.policy;

import static io.skiff.controlplane.scheduler.policy.SchedulingFixtures.node;
import static io.skiff.controlplane.scheduler.policy.SchedulingFixtures.pod;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class SchedulingAlgorithmTest {
  static Stream<Arguments> decisions() {
    PodInfo owned = pod("p").owner("rs").info();
    return Stream.of(
        // name, pod, nodes, expected decision
        Arguments.of("the one node that fits", pod("p").requests("2", "1Gi").info(),
            List.of(node("a").allocatable("cpu", "1").info(), node("b").info(), node("c").ready("False").info()),
            new Decision.Bind("b")),
        Arguments.of("the emptiest node", pod("p").requests("1", "1Gi").info(),
            List.of(node("a").info().withPod(pod("x").requests("2", "1Gi").info()), node("b").info(),
                node("c").info().withPod(pod("y").requests("1", "4Gi").info())),
            new Decision.Bind("b")),
        Arguments.of("spread beats room", owned,
            List.of(node("big").allocatable("cpu", "8").allocatable("memory", "16Gi").info().withPod(owned)
                .withPod(owned), node("small").allocatable("cpu", "1").allocatable("memory", "1Gi").info()),
            new Decision.Bind("small")),
        Arguments.of("selector and tolerated taint", pod("p").nodeSelector("accelerator", "gpu")
                .toleration("dedicated", "Equal", "gpu", "NoSchedule").info(),
            List.of(node("a").info(), node("g").label("accelerator", "gpu").taint("dedicated", "gpu", "NoSchedule")
                .info()),
            new Decision.Bind("g")),
        Arguments.of("one reason per node, counted", pod("p").requests(null, "6Gi").info(),
            List.of(node("a").info().withPod(pod("x").requests(null, "4Gi").info()),
                node("b").info().withPod(pod("y").requests(null, "3Gi").info()),
                node("g").taint("dedicated", "gpu", "NoSchedule").info()),
            new Decision.Unschedulable("0/3 nodes are available: 1 node(s) had untolerated taint {dedicated: gpu}, "
                + "2 Insufficient memory.")),
        Arguments.of("entries sorted as strings, as Kubernetes sorts them", pod("p").requests("5", null).info(),
            Stream.concat(IntStream.range(0, 10).mapToObj(i -> node("n" + i).info()),
                Stream.of(node("x").ready("False").info(), node("y").ready("Unknown").info())).toList(),
            new Decision.Unschedulable("0/12 nodes are available: 10 Insufficient cpu, 2 node(s) were not ready.")),
        Arguments.of("every filter's reason", pod("p").requests("1", null).hostPort("TCP", 80)
                .nodeSelector("disk", "ssd").info(),
            List.of(node("a").ready("False").info(), node("b").unschedulable().info(),
                node("c").taint("k", "v", "NoExecute").info(), node("d").info(),
                node("e").label("disk", "ssd").info().withPod(pod("x").hostPort("TCP", 80).info()),
                node("f").label("disk", "ssd").allocatable("cpu", "500m").info()),
            new Decision.Unschedulable("0/6 nodes are available: 1 Insufficient cpu, 1 node(s) didn't have free ports"
                + " for the requested pod ports, 1 node(s) didn't match Pod's node affinity/selector, 1 node(s) had"
                + " untolerated taint {k: v}, 1 node(s) were not ready, 1 node(s) were unschedulable.")),
        Arguments.of("no nodes", pod("p").info(), List.of(), new Decision.Unschedulable(Decision.NO_NODES)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("decisions")
  void decides(String name, PodInfo pod, List<NodeInfo> nodes, Decision expected) {
    assertEquals(expected, SchedulingAlgorithm.defaults().decide(pod, ClusterView.of(nodes)));
  }

  @Test
  void tiesGoRoundTheNodes() {
    SchedulingAlgorithm algorithm = SchedulingAlgorithm.defaults();
    ClusterView view = ClusterView.of(List.of(node("a").info(), node("b").info(), node("c").info()));
    List<Decision> decisions = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      decisions.add(algorithm.decide(pod("p").info(), view));
    }
    assertEquals(List.of(new Decision.Bind("a"), new Decision.Bind("b"), new Decision.Bind("c"),
        new Decision.Bind("a")), decisions);
  }

  @ParameterizedTest(name = "{0} nodes: {1}")
  @CsvSource({"1, 1", "99, 99", "100, 100", "200, 100", "1000, 420", "5000, 500", "20000, 1000"})
  void findsAsManyFeasibleNodesAsKubernetes(int nodes, int expected) {
    assertEquals(expected, SchedulingAlgorithm.feasibleToFind(nodes));
  }

  @Test
  void aSearchThatStopsEarlyIsResumedWhereItStopped() {
    SchedulingAlgorithm algorithm = SchedulingAlgorithm.defaults();
    ClusterView view = ClusterView.of(IntStream.range(0, 200).mapToObj(i -> node("n" + i).info()).toList());
    assertEquals(new Decision.Bind("n0"), algorithm.decide(pod("p").info(), view));
    assertEquals(new Decision.Bind("n100"), algorithm.decide(pod("p").info(), view));
    assertEquals(new Decision.Bind("n0"), algorithm.decide(pod("p").info(), view));
  }

  @Test
  void podsOfOneOwnerSpreadEvenlyAsTheyArePlaced() {
    SchedulingAlgorithm algorithm = SchedulingAlgorithm.defaults();
    Map<String, NodeInfo> nodes = new HashMap<>();
    for (String name : List.of("a", "b", "c")) {
      nodes.put(name, node(name).info());
    }
    nodes.put("big", node("big").allocatable("cpu", "16").allocatable("memory", "32Gi").info());
    for (int i = 0; i < 8; i++) {
      PodInfo pod = pod("p" + i).owner("rs").info();
      Decision.Bind bind = (Decision.Bind) algorithm.decide(pod, ClusterView.of(nodes.values()));
      nodes.put(bind.node(), nodes.get(bind.node()).withPod(pod));
    }
    List<Integer> perNode = new ArrayList<>(nodes.values().stream().map(n -> n.podsOf("rs")).toList());
    Collections.sort(perNode);
    assertEquals(List.of(2, 2, 2, 2), perNode);
  }
}
