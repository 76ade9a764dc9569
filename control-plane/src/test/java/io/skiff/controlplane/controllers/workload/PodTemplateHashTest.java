package io.skiff.controlplane.controllers.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skiff.api.v1.Container;
import io.skiff.api.v1.ObjectMeta;
import io.skiff.api.v1.PodSpec;
import io.skiff.api.v1.PodTemplateSpec;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PodTemplateHashTest {
  @Test
  void theSameTemplateHashesTheSameWhateverTheOrderOfItsMaps() {
    Map<String, String> ab = new LinkedHashMap<>();
    ab.put("a", "1");
    ab.put("b", "2");
    Map<String, String> ba = new LinkedHashMap<>();
    ba.put("b", "2");
    ba.put("a", "1");
    assertEquals(PodTemplateHash.of(template(ab, "nginx:1"), 0), PodTemplateHash.of(template(ba, "nginx:1"), 0));
  }

  @Test
  void anotherTemplateOrACollisionCountHashesOtherwise() {
    PodTemplateSpec template = template(Map.of("app", "web"), "nginx:1");
    String hash = PodTemplateHash.of(template, 0);
    assertNotEquals(hash, PodTemplateHash.of(template(Map.of("app", "web"), "nginx:2"), 0));
    assertNotEquals(hash, PodTemplateHash.of(template, 1));
    assertTrue(hash.matches("[bcdfghjklmnpqrstvwxz2456789]{1,10}"), hash);
  }

  @Test
  void theLabelIsIgnoredInComparisons() {
    PodTemplateSpec template = template(Map.of("app", "web"), "nginx:1");
    PodTemplateSpec labelled = PodTemplateHash.withLabel(template, PodTemplateHash.of(template, 0));
    assertEquals(PodTemplateHash.of(template, 0), labelled.getMetadata().getLabelsOrThrow("pod-template-hash"));
    assertTrue(PodTemplateHash.equalIgnoringLabel(template, labelled));
    assertEquals(template, PodTemplateHash.withoutLabel(labelled));
  }

  private static PodTemplateSpec template(Map<String, String> labels, String image) {
    return PodTemplateSpec.newBuilder()
        .setMetadata(ObjectMeta.newBuilder().putAllLabels(labels))
        .setSpec(PodSpec.newBuilder().addContainers(Container.newBuilder().setName("main").setImage(image)))
        .build();
  }
}
