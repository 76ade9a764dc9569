package io.skiff.controlplane.selector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skiff.controlplane.selector.LabelSelector.Operator;
import io.skiff.controlplane.selector.LabelSelector.Requirement;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class LabelSelectorTest {
  private static final String KEY63 = "k".repeat(63);
  private static final String VALUE63 = "v".repeat(63);
  private static final String VALUE_REGEX_ERROR = "a valid label must be an empty string or consist of alphanumeric"
      + " characters, '-', '_' or '.', and must start and end with an alphanumeric character"
      + " (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
  private static final String NAME_PART_REGEX_ERROR = "name part must consist of alphanumeric characters, '-', '_' or '.',"
      + " and must start and end with an alphanumeric character"
      + " (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

  static Stream<Arguments> canonicalForms() {
    return Stream.of(
        // selector, canonical toString
        Arguments.of("", ""),
        Arguments.of("   ", ""),
        Arguments.of(" \t\r\n", ""),
        Arguments.of("a=b", "a=b"),
        Arguments.of("a==b", "a=b"),
        Arguments.of("a!=b", "a!=b"),
        Arguments.of(" a = b ", "a=b"),
        Arguments.of("\ta\t==\nb\r", "a=b"),
        Arguments.of("a in (x,y)", "a in (x,y)"),
        Arguments.of("a in ( y , x )", "a in (x,y)"),
        Arguments.of("a in(x)", "a in (x)"),
        Arguments.of("a in (x,x)", "a in (x)"),
        Arguments.of("a notin (x)", "a notin (x)"),
        Arguments.of("a", "a"),
        Arguments.of("!a", "!a"),
        Arguments.of("! a", "!a"),
        Arguments.of("a=", "a="),
        Arguments.of("a!=", "a!="),
        Arguments.of("a=,b", "a=,b"),
        Arguments.of("a in ()", "a in ()"),
        Arguments.of("a notin ()", "a notin ()"),
        Arguments.of("a in (,)", "a in ()"),
        Arguments.of("a in (x,)", "a in (,x)"),
        Arguments.of("a in (,x)", "a in (,x)"),
        Arguments.of("a in (x,,y)", "a in (,x,y)"),
        Arguments.of("x in (foo,,baz),y,z notin ()", "x in (,baz,foo),y,z notin ()"),
        Arguments.of("b=2,a=1", "a=1,b=2"),
        Arguments.of("a=b,a=b", "a=b,a=b"),
        Arguments.of("a!=x,a=x", "a=x,a!=x"),
        Arguments.of("tier in (web),!canary,app=shop", "app=shop,!canary,tier in (web)"),
        Arguments.of("in in (in,notin)", "in in (in,notin)"),
        Arguments.of("notin=in", "notin=in"),
        Arguments.of("notin", "notin"),
        Arguments.of("!in", "!in"),
        Arguments.of("app.kubernetes.io/name=web", "app.kubernetes.io/name=web"),
        Arguments.of("A_b.C-9=V_a.L-9", "A_b.C-9=V_a.L-9"),
        Arguments.of(KEY63 + "=" + VALUE63, KEY63 + "=" + VALUE63));
  }

  @ParameterizedTest(name = "\"{0}\" -> \"{1}\"")
  @MethodSource("canonicalForms")
  void parsesToCanonicalForm(String selector, String canonical) {
    LabelSelector parsed = LabelSelector.parse(selector);
    assertEquals(canonical, parsed.toString());
    assertEquals(parsed, LabelSelector.parse(canonical), "canonical form parses back to an equal selector");
    assertEquals(canonical.isEmpty(), parsed.isEverything());
  }

  static Stream<Arguments> matching() {
    Map<String, String> none = Map.of();
    return Stream.of(
        // selector, labels, matches
        Arguments.of("", none, true),
        Arguments.of("", Map.of("a", "b"), true),
        Arguments.of("a=b", Map.of("a", "b"), true),
        Arguments.of("a=b", Map.of("a", "c"), false),
        Arguments.of("a=b", Map.of("b", "b"), false),
        Arguments.of("a=b", none, false),
        Arguments.of("a==b", Map.of("a", "b", "c", "d"), true),
        Arguments.of("a=B", Map.of("a", "b"), false),
        Arguments.of("a!=b", Map.of("a", "b"), false),
        Arguments.of("a!=b", Map.of("a", "c"), true),
        Arguments.of("a!=b", none, true),
        Arguments.of("a in (x,y)", Map.of("a", "x"), true),
        Arguments.of("a in (x,y)", Map.of("a", "y"), true),
        Arguments.of("a in (x,y)", Map.of("a", "z"), false),
        Arguments.of("a in (x,y)", none, false),
        Arguments.of("a notin (x,y)", Map.of("a", "x"), false),
        Arguments.of("a notin (x,y)", Map.of("a", "z"), true),
        Arguments.of("a notin (x,y)", none, true),
        Arguments.of("a", Map.of("a", ""), true),
        Arguments.of("a", Map.of("a", "x"), true),
        Arguments.of("a", Map.of("b", "x"), false),
        Arguments.of("!a", none, true),
        Arguments.of("!a", Map.of("a", ""), false),
        Arguments.of("!a", Map.of("b", "x"), true),
        Arguments.of("a=", Map.of("a", ""), true),
        Arguments.of("a=", Map.of("a", "x"), false),
        Arguments.of("a=", none, false),
        Arguments.of("a!=", none, true),
        Arguments.of("a!=", Map.of("a", ""), false),
        Arguments.of("a in ()", Map.of("a", ""), true),
        Arguments.of("a in ()", Map.of("a", "x"), false),
        Arguments.of("a in ()", none, false),
        Arguments.of("a notin ()", none, true),
        Arguments.of("a notin ()", Map.of("a", ""), false),
        Arguments.of("a notin ()", Map.of("a", "x"), true),
        Arguments.of("a in (,x)", Map.of("a", ""), true),
        Arguments.of("a=b,c", Map.of("a", "b"), false),
        Arguments.of("a=b,c", Map.of("a", "b", "c", "d"), true),
        Arguments.of("a=x,a!=x", Map.of("a", "x"), false),
        Arguments.of("env in (prod,staging),!canary,tier!=db", Map.of("env", "prod", "tier", "web"), true),
        Arguments.of("env in (prod,staging),!canary,tier!=db", Map.of("env", "staging"), true),
        Arguments.of("env in (prod,staging),!canary,tier!=db", Map.of("env", "prod", "canary", "true"), false),
        Arguments.of("env in (prod,staging),!canary,tier!=db", Map.of("env", "prod", "tier", "db"), false),
        Arguments.of("env in (prod,staging),!canary,tier!=db", Map.of("env", "dev"), false),
        Arguments.of("in in (notin)", Map.of("in", "notin"), true),
        Arguments.of("example.com/team=core", Map.of("example.com/team", "core"), true),
        Arguments.of("example.com/team=core", Map.of("team", "core"), false));
  }

  @ParameterizedTest(name = "\"{0}\" on {1}: {2}")
  @MethodSource("matching")
  void matchesWithKubernetesSemantics(String selector, Map<String, String> labels, boolean matches) {
    assertEquals(matches, LabelSelector.parse(selector).matches(labels));
  }

  static Stream<Arguments> syntaxErrors() {
    return Stream.of(
        // selector, what the message must say after the quoted selector
        Arguments.of("a in x", "expected '(', found 'x'"),
        Arguments.of("a notin", "expected '(', found end of string"),
        Arguments.of("a in", "expected '(', found end of string"),
        Arguments.of("a in (", "expected ',', ')' or identifier, found end of string"),
        Arguments.of("a in (x", "expected ',' or ')', found end of string"),
        Arguments.of("a in (x y)", "expected ',' or ')', found 'y'"),
        Arguments.of("a in (x,", "expected ',', ')' or identifier, found end of string"),
        Arguments.of("a in (=)", "expected ',', ')' or identifier, found '='"),
        Arguments.of("a in ((x))", "expected ',', ')' or identifier, found '('"),
        Arguments.of("a b", "expected operator (in, notin, =, ==, !=), found 'b'"),
        Arguments.of("a (x)", "expected operator (in, notin, =, ==, !=), found '('"),
        Arguments.of("a !b", "expected operator (in, notin, =, ==, !=), found '!'"),
        Arguments.of("a=(b)", "expected identifier, found '('"),
        Arguments.of("a=!b", "expected identifier, found '!'"),
        Arguments.of("a===b", "expected identifier, found '='"),
        Arguments.of("!!a", "expected identifier, found '!'"),
        Arguments.of("!", "expected identifier, found end of string"),
        Arguments.of("!=a", "expected '!', identifier or end of string, found '!='"),
        Arguments.of("=a", "expected '!', identifier or end of string, found '='"),
        Arguments.of("(a)", "expected '!', identifier or end of string, found '('"),
        Arguments.of(",", "expected '!', identifier or end of string, found ','"),
        Arguments.of(",a=b", "expected '!', identifier or end of string, found ','"),
        Arguments.of("a=b,", "expected identifier after ',', found end of string"),
        Arguments.of("a=b, ", "expected identifier after ',', found end of string"),
        Arguments.of("a=b,,c", "expected identifier after ',', found ','"),
        Arguments.of("a in (x),)", "expected identifier after ',', found ')'"),
        Arguments.of("a=b c", "expected ',' or end of string, found 'c'"),
        Arguments.of("a=b c=d", "expected ',' or end of string, found 'c'"),
        Arguments.of("a = b = c", "expected ',' or end of string, found '='"),
        Arguments.of("a in (x) y", "expected ',' or end of string, found 'y'"),
        Arguments.of("!a=b", "expected ',' or end of string, found '='"),
        Arguments.of("!a in (x)", "expected ',' or end of string, found 'in'"),
        Arguments.of("a)", "expected operator (in, notin, =, ==, !=), found ')'"),
        Arguments.of("a=b)", "expected ',' or end of string, found ')'"));
  }

  @ParameterizedTest(name = "\"{0}\": {1}")
  @MethodSource("syntaxErrors")
  void rejectsBadSyntaxNamingSelectorAndProblem(String selector, String problem) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LabelSelector.parse(selector));
    assertTrue(e.getMessage().matches("unable to parse (requirement|selector): \\Q\"" + selector + "\": " + problem + "\\E"),
        e.getMessage());
  }

  static Stream<Arguments> invalidKeysAndValues() {
    return Stream.of(
        // selector, message
        Arguments.of("a=\"b\"", "unable to parse requirement: \"a=\\\"b\\\"\": values[0]: Invalid value: \"\\\"b\\\"\": "
            + VALUE_REGEX_ERROR),
        Arguments.of("'a'=b", "unable to parse requirement: \"'a'=b\": key: Invalid value: \"'a'\": " + NAME_PART_REGEX_ERROR),
        Arguments.of("a=ü", "unable to parse requirement: \"a=ü\": values[0]: Invalid value: \"ü\": " + VALUE_REGEX_ERROR),
        Arguments.of("ключ=v", "unable to parse requirement: \"ключ=v\": key: Invalid value: \"ключ\": " + NAME_PART_REGEX_ERROR),
        Arguments.of("-a", "unable to parse requirement: \"-a\": key: Invalid value: \"-a\": " + NAME_PART_REGEX_ERROR),
        Arguments.of("!a_", "unable to parse requirement: \"!a_\": key: Invalid value: \"a_\": " + NAME_PART_REGEX_ERROR),
        Arguments.of("a>1", "unable to parse requirement: \"a>1\": key: Invalid value: \"a>1\": " + NAME_PART_REGEX_ERROR),
        Arguments.of("/a", "unable to parse requirement: \"/a\": key: Invalid value: \"/a\": prefix part must be non-empty"),
        Arguments.of(KEY63 + "k", "unable to parse requirement: \"" + KEY63 + "k\": key: Invalid value: \"" + KEY63
            + "k\": name part must be no more than 63 characters"),
        Arguments.of("a=" + VALUE63 + "v", "unable to parse requirement: \"a=" + VALUE63 + "v\": values[0]: Invalid value: \""
            + VALUE63 + "v\": must be no more than 63 characters"),
        Arguments.of("a in (ok,-bad)", "unable to parse requirement: \"a in (ok,-bad)\": values[0]: Invalid value: \"-bad\": "
            + VALUE_REGEX_ERROR),
        // The key is checked as soon as it is read, before the rest of the requirement.
        Arguments.of("-a in x", "unable to parse requirement: \"-a in x\": key: Invalid value: \"-a\": " + NAME_PART_REGEX_ERROR));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidKeysAndValues")
  void rejectsInvalidKeysAndValuesWithKubernetesMessages(String selector, String message) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LabelSelector.parse(selector));
    assertEquals(message, e.getMessage());
  }

  @Test
  void everythingMatchesAllAndPrintsEmpty() {
    LabelSelector everything = LabelSelector.everything();
    assertTrue(everything.isEverything());
    assertTrue(everything.matches(Map.of()));
    assertTrue(everything.matches(Map.of("a", "b")));
    assertEquals("", everything.toString());
    assertEquals(List.of(), everything.requirements());
    assertEquals(everything, LabelSelector.parse(" "));
    assertSame(everything, LabelSelector.of(List.of()));
    assertFalse(LabelSelector.parse("a").isEverything());
  }

  @Test
  void ofSortsRequirementsAndEqualsTheParsedSelector() {
    LabelSelector built = LabelSelector.of(List.of(
        new Requirement("tier", Operator.IN, Set.of("web", "cache")),
        new Requirement("canary", Operator.DOES_NOT_EXIST, Set.of()),
        new Requirement("app", Operator.EQUALS, Set.of("shop"))));
    assertEquals("app=shop,!canary,tier in (cache,web)", built.toString());
    assertEquals(LabelSelector.parse("app==shop, tier in (web, cache), !canary"), built);
    assertEquals(built.hashCode(), LabelSelector.parse(built.toString()).hashCode());
    assertNotEquals(LabelSelector.parse("a=b"), LabelSelector.parse("a!=b"));
  }

  @Test
  void requirementsAndValuesAreImmutableAndSorted() {
    LabelSelector selector = LabelSelector.parse("a in (z,y,x),b");
    Requirement in = selector.requirements().get(0);
    assertEquals(List.of("x", "y", "z"), List.copyOf(in.values()));
    assertThrows(UnsupportedOperationException.class, () -> in.values().add("w"));
    assertThrows(UnsupportedOperationException.class, () -> selector.requirements().clear());
    assertEquals(new Requirement("a", Operator.IN, Set.of("x", "y", "z")), in);
    assertEquals("a in (x,y,z)", in.toString());
  }

  static Stream<Arguments> invalidRequirements() {
    return Stream.of(
        Arguments.of("a", Operator.IN, Set.of(), "values: Invalid value: []: for 'in', 'notin' operators, values set can't be empty"),
        Arguments.of("a", Operator.NOT_IN, Set.of(), "values: Invalid value: []: for 'in', 'notin' operators, values set can't be empty"),
        Arguments.of("a", Operator.EQUALS, Set.of(), "values: Invalid value: []: exact-match compatibility requires one single value"),
        Arguments.of("a", Operator.NOT_EQUALS, Set.of("x", "y"),
            "values: Invalid value: [\"x\", \"y\"]: exact-match compatibility requires one single value"),
        Arguments.of("a", Operator.EXISTS, Set.of("x"),
            "values: Invalid value: [\"x\"]: values set must be empty for exists and does not exist"),
        Arguments.of("a", Operator.DOES_NOT_EXIST, Set.of(""),
            "values: Invalid value: [\"\"]: values set must be empty for exists and does not exist"),
        Arguments.of("a", Operator.IN, Set.of("ok", "no way"), "values[0]: Invalid value: \"no way\": " + VALUE_REGEX_ERROR),
        Arguments.of("", Operator.EXISTS, Set.of(), "key: Invalid value: \"\": name part must be non-empty; " + NAME_PART_REGEX_ERROR),
        Arguments.of("a b", Operator.IN, Set.of(), "key: Invalid value: \"a b\": " + NAME_PART_REGEX_ERROR
            + "; values: Invalid value: []: for 'in', 'notin' operators, values set can't be empty"));
  }

  @ParameterizedTest(name = "{0} {1} {2}")
  @MethodSource("invalidRequirements")
  void requirementsAreValidatedLikeKubernetesNewRequirement(String key, Operator op, Set<String> values, String message) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Requirement(key, op, values));
    assertEquals(message, e.getMessage());
  }

  @Test
  void quotesInTheSelectorAreEscapedInTheMessage() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LabelSelector.parse("a in \"x\""));
    assertEquals("unable to parse requirement: \"a in \\\"x\\\"\": expected '(', found '\"x\"'", e.getMessage());
  }
}
