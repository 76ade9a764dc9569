package io.skiff.controlplane.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class FieldPathTest {
  static Stream<Arguments> paths() {
    FieldPath spec = FieldPath.root("spec");
    return Stream.of(
        Arguments.of(FieldPath.root("metadata"), "metadata"),
        Arguments.of(FieldPath.root("metadata").child("name"), "metadata.name"),
        Arguments.of(spec.child("containers").index(0).child("image"), "spec.containers[0].image"),
        Arguments.of(spec.child("containers").index(0).child("resources").child("limits").key("cpu"),
            "spec.containers[0].resources.limits[cpu]"),
        Arguments.of(FieldPath.root("metadata").child("labels").key("example.com/app"), "metadata.labels[example.com/app]"),
        Arguments.of(spec.child("volumes").index(12).index(3), "spec.volumes[12][3]"),
        Arguments.of(FieldPath.root("metadata").child("annotations").key(""), "metadata.annotations[]"));
  }

  @ParameterizedTest
  @MethodSource("paths")
  void rendersLikeKubernetes(FieldPath path, String expected) {
    assertEquals(expected, path.toString());
  }

  @Test
  void stepsLeaveTheOriginalUntouched() {
    FieldPath containers = FieldPath.root("spec").child("containers");
    FieldPath first = containers.index(0);
    FieldPath second = containers.index(1);
    assertEquals("spec.containers", containers.toString());
    assertEquals("spec.containers[0]", first.toString());
    assertEquals("spec.containers[1]", second.toString());
  }

  @Test
  void equalityIsByRenderedPath() {
    assertEquals(FieldPath.root("spec").child("a").index(1), FieldPath.root("spec").child("a").index(1));
    assertEquals(FieldPath.root("spec").child("a").hashCode(), FieldPath.root("spec").child("a").hashCode());
    assertNotEquals(FieldPath.root("spec").child("a"), FieldPath.root("spec").key("a"));
  }

  @Test
  void fieldNamesMustBeNonEmpty() {
    assertThrows(IllegalArgumentException.class, () -> FieldPath.root(""));
    assertThrows(IllegalArgumentException.class, () -> FieldPath.root("spec").child(""));
  }
}
