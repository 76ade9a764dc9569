package io.skiff.controlplane.selector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skiff.controlplane.selector.FieldSelector.Operator;
import io.skiff.controlplane.selector.FieldSelector.Requirement;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class FieldSelectorTest {
  private static final Set<String> POD_FIELDS = Set.of("metadata.name", "metadata.namespace", "spec.nodeName", "status.phase");

  private static FieldSelector parse(String selector) {
    return FieldSelector.parse(selector, POD_FIELDS);
  }

  static Stream<Arguments> canonicalForms() {
    return Stream.of(
        // selector, canonical toString
        Arguments.of("", ""),
        Arguments.of("  \t", ""),
        Arguments.of(",", ""),
        Arguments.of(",,", ""),
        Arguments.of("metadata.name=web", "metadata.name=web"),
        Arguments.of("metadata.name==web", "metadata.name=web"),
        Arguments.of("status.phase!=Running", "status.phase!=Running"),
        Arguments.of("status.phase=Running,metadata.name=web", "metadata.name=web,status.phase=Running"),
        Arguments.of("metadata.name=web,", "metadata.name=web"),
        Arguments.of(",metadata.name=web", "metadata.name=web"),
        Arguments.of("metadata.name=web,,status.phase=Running", "metadata.name=web,status.phase=Running"),
        Arguments.of("metadata.name=", "metadata.name="),
        Arguments.of("metadata.name!=", "metadata.name!="),
        Arguments.of("metadata.name=a\\,b", "metadata.name=a\\,b"),
        Arguments.of("metadata.name=a\\=b", "metadata.name=a\\=b"),
        Arguments.of("metadata.name=a\\\\b", "metadata.name=a\\\\b"),
        Arguments.of("metadata.name=!x", "metadata.name=!x"),
        Arguments.of("metadata.name= web ", "metadata.name= web "),
        Arguments.of("metadata.name=\"web\"", "metadata.name=\"web\""),
        Arguments.of("metadata.name=wéb-ünï", "metadata.name=wéb-ünï"),
        Arguments.of("spec.nodeName=node-1,spec.nodeName!=node-2", "spec.nodeName!=node-2,spec.nodeName=node-1"));
  }

  @ParameterizedTest(name = "\"{0}\" -> \"{1}\"")
  @MethodSource("canonicalForms")
  void parsesToCanonicalForm(String selector, String canonical) {
    FieldSelector parsed = parse(selector);
    assertEquals(canonical, parsed.toString());
    assertEquals(parsed, parse(canonical), "canonical form parses back to an equal selector");
    assertEquals(canonical.isEmpty(), parsed.isEverything());
  }

  static Stream<Arguments> values() {
    return Stream.of(
        Arguments.of("metadata.name=a\\,b", "a,b"),
        Arguments.of("metadata.name=a\\=b", "a=b"),
        Arguments.of("metadata.name=a\\\\b", "a\\b"),
        Arguments.of("metadata.name=!x", "!x"),
        Arguments.of("metadata.name=", ""),
        Arguments.of("metadata.name= web ", " web "));
  }

  @ParameterizedTest(name = "\"{0}\" -> \"{1}\"")
  @MethodSource("values")
  void unescapesValues(String selector, String value) {
    assertEquals(List.of(new Requirement("metadata.name", Operator.EQUALS, value)), parse(selector).requirements());
  }

  static Stream<Arguments> invalid() {
    return Stream.of(
        // selector, message
        Arguments.of("metadata.name", "invalid selector: 'metadata.name'; can't understand 'metadata.name'"),
        Arguments.of("metadata.name=web,status.phase",
            "invalid selector: 'metadata.name=web,status.phase'; can't understand 'status.phase'"),
        Arguments.of("metadata.name=web, ", "invalid selector: 'metadata.name=web, '; can't understand ' '"),
        Arguments.of("metadata.name in (web)", "invalid selector: 'metadata.name in (web)'; can't understand 'metadata.name in (web)'"),
        Arguments.of("metadata.name=a=b", "invalid field selector: unescaped character in value: '='"),
        Arguments.of("metadata.name===x", "invalid field selector: unescaped character in value: '='"),
        Arguments.of("metadata.name=a\\x", "invalid field selector: invalid escape sequence: \\x"),
        Arguments.of("metadata.name=a\\", "invalid field selector: invalid escape sequence: \\"),
        Arguments.of("spec.host=x", "field label not supported: spec.host"),
        Arguments.of("metadata.labels=x", "field label not supported: metadata.labels"),
        Arguments.of("Metadata.Name=x", "field label not supported: Metadata.Name"),
        Arguments.of("metadata.name = web", "field label not supported: metadata.name "),
        Arguments.of("metadata.name=web, status.phase=Running", "field label not supported:  status.phase"),
        Arguments.of("=web", "field label not supported: "),
        Arguments.of("!=web", "field label not supported: "));
  }

  @ParameterizedTest(name = "\"{0}\": {1}")
  @MethodSource("invalid")
  void rejectsWithKubernetesMessages(String selector, String message) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> parse(selector));
    assertEquals(message, e.getMessage());
  }

  static Stream<Arguments> matching() {
    Map<String, String> none = Map.of();
    Map<String, String> web = Map.of("metadata.name", "web", "metadata.namespace", "prod", "status.phase", "Running");
    return Stream.of(
        // selector, field values, matches
        Arguments.of("", none, true),
        Arguments.of("", web, true),
        Arguments.of("metadata.name=web", web, true),
        Arguments.of("metadata.name==web", web, true),
        Arguments.of("metadata.name=db", web, false),
        Arguments.of("metadata.name=Web", web, false),
        Arguments.of("metadata.name=web", none, false),
        Arguments.of("metadata.name!=web", web, false),
        Arguments.of("metadata.name!=db", web, true),
        Arguments.of("metadata.name!=web", none, true),
        Arguments.of("metadata.name=", none, true),
        Arguments.of("metadata.name=", Map.of("metadata.name", ""), true),
        Arguments.of("metadata.name=", web, false),
        Arguments.of("metadata.name!=", none, false),
        Arguments.of("metadata.name!=", web, true),
        Arguments.of("spec.nodeName=", web, true),
        Arguments.of("metadata.name=web,status.phase=Running", web, true),
        Arguments.of("metadata.name=web,status.phase!=Running", web, false),
        Arguments.of("metadata.namespace=prod,status.phase!=Failed", web, true),
        Arguments.of("metadata.name=a\\,b", Map.of("metadata.name", "a,b"), true),
        Arguments.of("metadata.name= web", web, false));
  }

  @ParameterizedTest(name = "\"{0}\" on {1}: {2}")
  @MethodSource("matching")
  void matchesTreatingMissingFieldsAsEmpty(String selector, Map<String, String> fields, boolean matches) {
    assertEquals(matches, parse(selector).matches(fields));
  }

  static Stream<Arguments> requiredValues() {
    return Stream.of(
        // selector, field, required value
        Arguments.of("metadata.namespace=prod", "metadata.namespace", Optional.of("prod")),
        Arguments.of("metadata.namespace==prod,status.phase=Running", "metadata.namespace", Optional.of("prod")),
        Arguments.of("status.phase=Running,metadata.namespace=prod", "status.phase", Optional.of("Running")),
        Arguments.of("metadata.namespace=", "metadata.namespace", Optional.of("")),
        Arguments.of("metadata.name=a\\,b", "metadata.name", Optional.of("a,b")),
        Arguments.of("metadata.namespace!=prod", "metadata.namespace", Optional.empty()),
        Arguments.of("metadata.namespace=prod", "spec.nodeName", Optional.empty()),
        Arguments.of("", "metadata.namespace", Optional.empty()));
  }

  @ParameterizedTest(name = "\"{0}\" requires {1}={2}")
  @MethodSource("requiredValues")
  void reportsTheValueAFieldMustHave(String selector, String field, Optional<String> value) {
    assertEquals(value, parse(selector).requiredValue(field));
  }

  @Test
  void everythingMatchesAllAndPrintsEmpty() {
    FieldSelector everything = FieldSelector.everything();
    assertTrue(everything.isEverything());
    assertTrue(everything.matches(Map.of()));
    assertTrue(everything.matches(Map.of("metadata.name", "web")));
    assertEquals("", everything.toString());
    assertSame(everything, parse(" "));
    assertSame(everything, FieldSelector.parse("", Set.of()));
    assertFalse(parse("metadata.name=web").isEverything());
  }

  @Test
  void requirementsAreImmutable() {
    FieldSelector selector = parse("status.phase=Running,metadata.name!=web");
    assertEquals(List.of(
        new Requirement("metadata.name", Operator.NOT_EQUALS, "web"),
        new Requirement("status.phase", Operator.EQUALS, "Running")), selector.requirements());
    assertThrows(UnsupportedOperationException.class, () -> selector.requirements().clear());
  }
}
