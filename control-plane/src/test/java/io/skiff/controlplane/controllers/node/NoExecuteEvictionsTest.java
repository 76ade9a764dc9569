package io.skiff.controlplane.controllers.node;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.Timestamp;
import io.skiff.api.v1.Pod;
import io.skiff.api.v1.PodSpec;
import io.skiff.api.v1.Taint;
import io.skiff.api.v1.Toleration;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** When pods leave tainted nodes, case by case (Kubernetes' taint manager semantics). */
class NoExecuteEvictionsTest {
  private static final Instant ADDED = Instant.parse("2026-01-01T00:00:00Z");
  private static final Duration DEFAULT = Duration.ofMinutes(5);
  private static final Taint UNREACHABLE = taint(NodeLifecycleController.UNREACHABLE, "", "NoExecute");

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("no taints: never", List.of(), List.of(), null),
        Arguments.of("NoSchedule only: never", List.of(taint("dedicated", "gpu", "NoSchedule")), List.of(), null),
        Arguments.of("untolerated NoExecute: the default timeout", List.of(UNREACHABLE), List.of(), DEFAULT),
        Arguments.of("tolerated for 30 s", List.of(UNREACHABLE),
            List.of(toleration(NodeLifecycleController.UNREACHABLE, "Exists", "", "NoExecute", 30L)), Duration.ofSeconds(30)),
        Arguments.of("tolerated for ever", List.of(UNREACHABLE),
            List.of(toleration(NodeLifecycleController.UNREACHABLE, "Exists", "", "NoExecute", null)), null),
        Arguments.of("empty key with Exists tolerates every taint", List.of(UNREACHABLE),
            List.of(toleration("", "Exists", "", "", null)), null),
        Arguments.of("a toleration of another key does not help", List.of(UNREACHABLE),
            List.of(toleration("other", "Exists", "", "NoExecute", null)), DEFAULT),
        Arguments.of("Equal needs the value", List.of(taint("dedicated", "gpu", "NoExecute")),
            List.of(toleration("dedicated", "Equal", "cpu", "NoExecute", null)), DEFAULT),
        Arguments.of("Equal with the value tolerates", List.of(taint("dedicated", "gpu", "NoExecute")),
            List.of(toleration("dedicated", "", "gpu", "", null)), null),
        Arguments.of("a NoSchedule toleration does not cover NoExecute", List.of(UNREACHABLE),
            List.of(toleration(NodeLifecycleController.UNREACHABLE, "Exists", "", "NoSchedule", null)), DEFAULT),
        Arguments.of("the longest matching toleration counts", List.of(UNREACHABLE),
            List.of(toleration(NodeLifecycleController.UNREACHABLE, "Exists", "", "NoExecute", 10L),
                toleration("", "Exists", "", "NoExecute", 60L)), Duration.ofSeconds(60)),
        Arguments.of("the earliest taint deadline wins", List.of(UNREACHABLE, taint("x", "", "NoExecute")),
            List.of(toleration(NodeLifecycleController.UNREACHABLE, "Exists", "", "NoExecute", null),
                toleration("x", "Exists", "", "", 20L)), Duration.ofSeconds(20)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void deadline(String name, List<Taint> taints, List<Toleration> tolerations, Duration after) {
    Pod pod = Pod.newBuilder().setSpec(PodSpec.newBuilder().addAllTolerations(tolerations)).build();
    assertEquals(Optional.ofNullable(after).map(ADDED::plus), NoExecuteEvictions.deadline(pod, taints, DEFAULT));
  }

  private static Taint taint(String key, String value, String effect) {
    return Taint.newBuilder().setKey(key).setValue(value).setEffect(effect)
        .setTimeAdded(Timestamp.newBuilder().setSeconds(ADDED.getEpochSecond())).build();
  }

  private static Toleration toleration(String key, String operator, String value, String effect, Long seconds) {
    Toleration.Builder t = Toleration.newBuilder().setKey(key).setOperator(operator).setValue(value).setEffect(effect);
    if (seconds != null) {
      t.setTolerationSeconds(seconds);
    }
    return t.build();
  }
}
