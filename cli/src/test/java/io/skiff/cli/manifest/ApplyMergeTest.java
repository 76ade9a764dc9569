package io.skiff.cli.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** kubectl apply's three-way merge on trees. */
class ApplyMergeTest {
  @SuppressWarnings("unchecked")
  private static Map<String, Object> tree(String yaml) {
    return (Map<String, Object>) Yamls.loadOne(yaml);
  }

  @Test
  void keepsWhatOthersSetAndRemovesWhatTheLastApplySetAndThisOneDropped() {
    Map<String, Object> live = tree("""
        metadata: {name: web, resourceVersion: "9", labels: {app: web, old: x, added-by-someone: y}}
        spec:
          replicas: 5
          nodeName: n1
          containers:
          - {name: web, image: nginx:1, imagePullPolicy: IfNotPresent, env: [{name: A, value: "1"}]}
          - {name: sidecar-someone-added, image: s}
        status: {phase: Running}
        """);
    Map<String, Object> last = tree("""
        metadata: {name: web, labels: {app: web, old: x}}
        spec:
          replicas: 3
          containers: [{name: web, image: nginx:1, env: [{name: A, value: "1"}]}]
        """);
    Map<String, Object> applied = tree("""
        metadata: {name: web, labels: {app: web}}
        spec:
          containers: [{name: web, image: nginx:2}]
        """);
    Map<String, Object> merged = ApplyMerge.merge(live, applied, last);
    assertEquals(tree("""
        metadata: {name: web, resourceVersion: "9", labels: {app: web, added-by-someone: y}}
        spec:
          nodeName: n1
          containers:
          - {name: web, image: nginx:2, imagePullPolicy: IfNotPresent}
          - {name: sidecar-someone-added, image: s}
        status: {phase: Running}
        """), merged);
  }

  @Test
  void listsWithoutAMergeKeyAreReplaced() {
    Map<String, Object> merged = ApplyMerge.merge(tree("spec: {args: [a, b], tolerations: [{key: k}]}"),
        tree("spec: {args: [c]}"), tree("spec: {args: [a, b]}"));
    assertEquals(List.of("c"), ((Map<?, ?>) merged.get("spec")).get("args"));
    assertEquals(List.of(Map.of("key", "k")), ((Map<?, ?>) merged.get("spec")).get("tolerations"));
  }
}
