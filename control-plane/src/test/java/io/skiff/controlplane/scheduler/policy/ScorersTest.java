package io.skiff.controlplane.scheduler.policy;

import static io.skiff.controlplane.scheduler.policy.SchedulingFixtures.node;
import static io.skiff.controlplane.scheduler.policy.SchedulingFixtures.pod;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ScorersTest {
  static Stream<Arguments> cases() {
    PodInfo owned = pod("p").owner("rs").info();
    return Stream.of(
        // name, scorer, pod, nodes, expected scores
        Arguments.of("least allocated: a quarter of each used", (Scorer) Scorers::leastAllocated,
            pod("p").requests("1", "2Gi").info(), List.of(node("n").info()), new double[] {75}),
        Arguments.of("least allocated: mean of cpu and memory", (Scorer) Scorers::leastAllocated,
            pod("p").requests("1", "2Gi").info(), List.of(node("n").info().withPod(pod("a").requests("2", "0").info())),
            new double[] {50}),
        Arguments.of("least allocated: nothing requested counts as 100m and 200Mi", (Scorer) Scorers::leastAllocated,
            pod("p").info(), List.of(node("n").allocatable("cpu", "1").allocatable("memory", "1000Mi").info()),
            new double[] {85}),
        Arguments.of("least allocated: overcommitted scores 0", (Scorer) Scorers::leastAllocated,
            pod("p").requests("5", "9Gi").info(), List.of(node("n").info()), new double[] {0}),
        Arguments.of("least allocated: nothing allocatable scores 0", (Scorer) Scorers::leastAllocated,
            pod("p").info(), List.of(node("n").withoutAllocatable("cpu").withoutAllocatable("memory").info()),
            new double[] {0}),

        Arguments.of("spread: against the node with most of the owner's pods", (Scorer) Scorers::ownerSpread, owned,
            List.of(node("a").info(), node("b").info().withPod(owned), node("c").info().withPod(owned).withPod(owned)),
            new double[] {100, 50, 0}),
        Arguments.of("spread: other owners' pods do not count", (Scorer) Scorers::ownerSpread, owned,
            List.of(node("a").info().withPod(pod("x").owner("other").info()), node("b").info()),
            new double[] {100, 100}),
        Arguments.of("spread: indifferent without an owner", (Scorer) Scorers::ownerSpread, pod("p").info(),
            List.of(node("a").info(), node("b").info().withPod(pod("x").info())), new double[] {0, 0}));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void scores(String name, Scorer scorer, PodInfo pod, List<NodeInfo> nodes, double[] expected) {
    assertArrayEquals(expected, scorer.score(pod, nodes), 1e-9);
  }
}
