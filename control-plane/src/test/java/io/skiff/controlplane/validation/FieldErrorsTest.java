package io.skiff.controlplane.validation;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class FieldErrorsTest {
  private static final FieldPath NAME = FieldPath.root("metadata").child("name");
  private static final FieldPath IMAGE = FieldPath.root("spec").child("containers").index(0).child("image");
  private static final FieldPath RESTART = FieldPath.root("spec").child("restartPolicy");

  static Stream<Arguments> messages() {
    return Stream.of(
        error(e -> e.required(IMAGE), "spec.containers[0].image: Required value"),
        error(e -> e.required(IMAGE, "must name an image"), "spec.containers[0].image: Required value: must name an image"),
        error(e -> e.invalid(NAME, "Web_1", "must be lower case"), "metadata.name: Invalid value: \"Web_1\": must be lower case"),
        error(e -> e.invalid(NAME, "", "must be non-empty"), "metadata.name: Invalid value: \"\": must be non-empty"),
        error(e -> e.invalid(FieldPath.root("spec").child("replicas"), -1, "must be greater than or equal to 0"),
            "spec.replicas: Invalid value: -1: must be greater than or equal to 0"),
        error(e -> e.invalid(FieldPath.root("spec").child("replicas"), 3L, ""), "spec.replicas: Invalid value: 3"),
        error(e -> e.invalid(FieldPath.root("spec").child("ratio"), 0.5, "too small"), "spec.ratio: Invalid value: 0.5: too small"),
        error(e -> e.invalid(FieldPath.root("spec").child("hostNetwork"), true, "not allowed"),
            "spec.hostNetwork: Invalid value: true: not allowed"),
        error(e -> e.invalid(NAME, null, "is null"), "metadata.name: Invalid value: null: is null"),
        error(e -> e.invalid(NAME, "a\"b\\c\nd\u0001", "odd"), "metadata.name: Invalid value: \"a\\\"b\\\\c\\nd\\x01\": odd"),
        error(e -> e.invalid(NAME, "wébé", "not ASCII"), "metadata.name: Invalid value: \"wébé\": not ASCII"),
        error(e -> e.invalid(FieldPath.root("spec").child("args"), List.of("a", "", 1), "odd"),
            "spec.args: Invalid value: [\"a\", \"\", 1]: odd"),
        error(e -> e.notSupported(RESTART, "Sometimes", List.of("OnFailure", "Always", "Never")),
            "spec.restartPolicy: Unsupported value: \"Sometimes\": supported values: \"Always\", \"Never\", \"OnFailure\""),
        error(e -> e.notSupported(RESTART, "Sometimes", new TreeSet<>(Set.of("Never", "Always"))),
            "spec.restartPolicy: Unsupported value: \"Sometimes\": supported values: \"Always\", \"Never\""),
        error(e -> e.notSupported(RESTART, "Sometimes", List.of()), "spec.restartPolicy: Unsupported value: \"Sometimes\""),
        error(e -> e.duplicate(FieldPath.root("spec").child("containers").index(1).child("name"), "web"),
            "spec.containers[1].name: Duplicate value: \"web\""),
        error(e -> e.duplicate(FieldPath.root("spec").child("ports").index(1).child("containerPort"), 80),
            "spec.ports[1].containerPort: Duplicate value: 80"),
        error(e -> e.forbidden(FieldPath.root("spec").child("nodeName"), "may not be changed"),
            "spec.nodeName: Forbidden: may not be changed"),
        error(e -> e.tooLong(FieldPath.root("metadata").child("annotations"), 262144),
            "metadata.annotations: Too long: must have at most 262144 bytes"));
  }

  private static Arguments error(Consumer<FieldErrors> add, String expected) {
    return Arguments.of(add, expected);
  }

  @ParameterizedTest
  @MethodSource("messages")
  void wordsEachErrorLikeKubernetes(Consumer<FieldErrors> add, String expected) {
    FieldErrors errors = new FieldErrors();
    add.accept(errors);
    assertEquals(List.of(expected), errors.messages());
    assertFalse(errors.isEmpty());
  }

  @Test
  void startsEmptyAndThrowsNothing() {
    FieldErrors errors = new FieldErrors();
    assertTrue(errors.isEmpty());
    assertEquals(List.of(), errors.messages());
    assertDoesNotThrow(() -> errors.throwIfAny("Pod", "web"));
  }

  @Test
  void keepsErrorsInOrderAndAddsOtherCollections() {
    FieldErrors container = new FieldErrors().required(IMAGE);
    FieldErrors errors = new FieldErrors().invalid(NAME, "Web_1", "bad").addAll(container).forbidden(RESTART, "no");
    assertEquals(List.of(
        "metadata.name: Invalid value: \"Web_1\": bad",
        "spec.containers[0].image: Required value",
        "spec.restartPolicy: Forbidden: no"), errors.messages());
    assertEquals(1, container.messages().size());
  }

  @Test
  void messagesIsAnUnmodifiableSnapshot() {
    FieldErrors errors = new FieldErrors().required(IMAGE);
    List<String> snapshot = errors.messages();
    errors.required(NAME);
    assertEquals(1, snapshot.size());
    assertThrows(UnsupportedOperationException.class, () -> snapshot.add("x"));
  }

  @Test
  void throwsOneLineInvalidErrorNamingKindAndObject() {
    FieldErrors errors = new FieldErrors().invalid(NAME, "Web_1", "bad").required(IMAGE);
    ValidationException e = assertThrows(ValidationException.class, () -> errors.throwIfAny("Pod", "Web_1"));
    assertEquals("Pod \"Web_1\" is invalid: metadata.name: Invalid value: \"Web_1\": bad; spec.containers[0].image: Required value",
        e.getMessage());
    assertEquals(List.of("metadata.name: Invalid value: \"Web_1\": bad", "spec.containers[0].image: Required value"), e.errors());
    assertEquals("Pod", e.kind());
    assertEquals("Web_1", e.name());
  }

  @Test
  void singleErrorHasNoSeparator() {
    ValidationException e = assertThrows(ValidationException.class,
        () -> new FieldErrors().required(IMAGE).throwIfAny("Deployment", "web"));
    assertEquals("Deployment \"web\" is invalid: spec.containers[0].image: Required value", e.getMessage());
  }

  @Test
  void repeatedMessagesAreReportedOnce() {
    FieldErrors errors = new FieldErrors().required(IMAGE).required(NAME).required(IMAGE);
    assertEquals(3, errors.messages().size());
    ValidationException e = assertThrows(ValidationException.class, () -> errors.throwIfAny("Pod", "web"));
    assertEquals(List.of("spec.containers[0].image: Required value", "metadata.name: Required value"), e.errors());
    assertEquals("Pod \"web\" is invalid: spec.containers[0].image: Required value; metadata.name: Required value",
        e.getMessage());
  }

  @Test
  void aValidationFailureNeedsAnError() {
    assertThrows(IllegalArgumentException.class, () -> new ValidationException("Pod", "web", List.of()));
  }
}
