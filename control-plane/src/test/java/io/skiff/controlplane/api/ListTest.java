package io.skiff.controlplane.api;

import static io.skiff.controlplane.api.ApiTesting.assertRefused;
import static io.skiff.controlplane.api.ApiTesting.createNamespace;
import static io.skiff.controlplane.api.ApiTesting.get;
import static io.skiff.controlplane.api.ApiTesting.pod;
import static io.skiff.controlplane.api.ApiTesting.pods;
import static io.skiff.controlplane.api.ApiTesting.replicaSets;
import static io.skiff.controlplane.api.ApiTesting.storeRevision;
import static io.skiff.controlplane.api.ApiTesting.unique;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.skiff.api.v1.DeleteRequest;
import io.skiff.api.v1.ListRequest;
import io.skiff.api.v1.Pod;
import io.skiff.api.v1.PodList;
import io.skiff.api.v1.PodStatus;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** List: label and field selectors, consistent paging, continue tokens, all namespaces at once. */
class ListTest extends OneAndThreeMasters {

  @Test
  void labelSelectorsWithEveryOperator() {
    String ns = createNamespace(writer(), "labels");
    create(ns, "a", Map.of("app", "web", "tier", "front"));
    create(ns, "b", Map.of("app", "web", "tier", "back"));
    create(ns, "c", Map.of("app", "db", "tier", "back", "canary", "true"));
    create(ns, "d", Map.of("app", "cache"));
    create(ns, "e", Map.of());

    Map<String, Set<String>> expected = new LinkedHashMap<>();
    expected.put("", Set.of("a", "b", "c", "d", "e"));
    expected.put("app=web", Set.of("a", "b"));
    expected.put("app==web", Set.of("a", "b"));
    expected.put("app!=web", Set.of("c", "d", "e"));
    expected.put("tier in (front,back)", Set.of("a", "b", "c"));
    expected.put("tier notin (front)", Set.of("b", "c", "d", "e"));
    expected.put("canary", Set.of("c"));
    expected.put("!canary", Set.of("a", "b", "d", "e"));
    expected.put("app=web,tier=back", Set.of("b"));
    expected.put("app in (web,db),!canary", Set.of("a", "b"));
    expected.put("tier,app notin (db)", Set.of("a", "b"));
    expected.put("app=nothing", Set.of());
    assertSelections(expected, selector -> ListRequest.newBuilder().setNamespace(ns).setLabelSelector(selector));
  }

  @Test
  void fieldSelectorsOnNameNamespaceNodeAndPhase() {
    String ns = createNamespace(writer(), "fields");
    create(ns, "a", Map.of());
    bind(create(ns, "b", Map.of()), "node-1");
    setPhase(bind(create(ns, "c", Map.of()), "node-1"), "Running");
    setPhase(bind(create(ns, "d", Map.of()), "node-2"), "Running");

    Map<String, Set<String>> expected = new LinkedHashMap<>();
    expected.put("metadata.name=a", Set.of("a"));
    expected.put("metadata.name!=a", Set.of("b", "c", "d"));
    expected.put("metadata.namespace=" + ns, Set.of("a", "b", "c", "d"));
    expected.put("metadata.namespace=default", Set.of());
    expected.put("spec.nodeName=node-1", Set.of("b", "c"));
    expected.put("spec.nodeName==node-2", Set.of("d"));
    expected.put("spec.nodeName=", Set.of("a"));
    expected.put("spec.nodeName!=", Set.of("b", "c", "d"));
    expected.put("status.phase=Running", Set.of("c", "d"));
    expected.put("status.phase!=Running", Set.of("a", "b"));
    expected.put("spec.nodeName=node-1,status.phase=Running", Set.of("c"));
    assertSelections(expected, selector -> ListRequest.newBuilder().setNamespace(ns).setFieldSelector(selector));
  }

  @ParameterizedTest(name = "label selector \"{0}\"")
  @CsvSource(delimiter = '|', value = {
      "app in (web|expected ',' or ')', found end of string",
      "app===web|expected identifier, found '='",
      "!|expected identifier, found end of string",
      "app=web,|expected identifier after ',', found end of string",
      "app=web tier|expected ',' or end of string, found 'tier'",
      "-app=web|key: Invalid value: \"-app\"",
      "app=no way|expected ',' or end of string, found 'way'"})
  void aBadLabelSelectorIsInvalidAndNamed(String selector, String problem) {
    assertRefused(Status.Code.INVALID_ARGUMENT, () -> pods(reader()).list(ListRequest.newBuilder()
        .setNamespace("default").setLabelSelector(selector).build()),
        "label_selector", "\"" + selector + "\"", problem);
  }

  @ParameterizedTest(name = "field selector \"{0}\"")
  @CsvSource(delimiter = '|', value = {
      "metadata.name|invalid selector: 'metadata.name'",
      "status.phase=a\\qb|invalid escape sequence",
      "spec.containers=web|field label not supported: spec.containers",
      "metadata.labels=x|field label not supported: metadata.labels"})
  void aBadFieldSelectorIsInvalidAndNamed(String selector, String problem) {
    assertRefused(Status.Code.INVALID_ARGUMENT, () -> pods(reader()).list(ListRequest.newBuilder()
        .setNamespace("default").setFieldSelector(selector).build()), "field_selector", problem);
  }

  @Test
  void aFieldSupportedByOneKindIsNotSupportedByAnother() {
    assertRefused(Status.Code.INVALID_ARGUMENT, () -> replicaSets(reader()).list(ListRequest.newBuilder()
        .setFieldSelector("spec.nodeName=node-1").build()),
        "field_selector", "field label not supported: spec.nodeName");
  }

  @Test
  void pagesReturnEveryObjectOnceFromOneSnapshot() {
    String ns = createNamespace(writer(), "pages");
    Map<String, Pod> before = new LinkedHashMap<>();
    for (int i = 0; i < 7; i++) {
      before.put("p-" + i, create(ns, "p-" + i, Map.of()));
    }

    PodList first = pods(writer()).list(page(ns, 3).build());
    assertEquals(List.of("p-0", "p-1", "p-2"), names(first));
    // between pages: one created before the cursor, one after it, one not yet listed deleted, one updated
    create(ns, "p-00", Map.of());
    create(ns, "p-9", Map.of());
    pods(writer()).delete(DeleteRequest.newBuilder().setNamespace(ns).setName("p-5").build());
    Pod p4 = before.get("p-4");
    pods(writer()).update(p4.toBuilder().setMetadata(p4.getMetadata().toBuilder().putLabels("changed", "yes")).build());

    List<PodList> pages = readAllPages(first, ns, 3, "");

    List<Pod> listed = pages.stream().flatMap(p -> p.getItemsList().stream()).toList();
    assertEquals(List.copyOf(before.values()), listed, "every object once, as it was when the first page was read");
    assertEquals(List.of(3, 3, 1), pages.stream().map(PodList::getItemsCount).toList());
    assertEquals(1, pages.stream().map(p -> p.getMetadata().getResourceVersion()).distinct().count(),
        "every page at one resource_version");
    assertEquals("", pages.get(pages.size() - 1).getMetadata().getContinue(), "the last page has no continue");
    assertEquals(List.of("p-0", "p-00", "p-1", "p-2", "p-3", "p-4", "p-6", "p-9"),
        names(pods(reader()).list(ListRequest.newBuilder().setNamespace(ns).build())),
        "a new listing sees the changes");
  }

  @Test
  void pagesWithALabelSelectorHoldOnlyMatchingObjects() {
    String ns = createNamespace(writer(), "pages");
    Set<String> matching = new TreeSet<>();
    for (int i = 0; i < 10; i++) {
      String name = "q-" + i;
      create(ns, name, i % 3 == 0 ? Map.of() : Map.of("sel", "yes"));
      if (i % 3 != 0) {
        matching.add(name);
      }
    }

    PodList first = pods(writer()).list(page(ns, 2).setLabelSelector("sel=yes").build());
    List<PodList> pages = readAllPages(first, ns, 2, "sel=yes");

    List<String> listed = pages.stream().flatMap(p -> names(p).stream()).toList();
    assertEquals(List.copyOf(matching), listed, "every match once, in order");
    assertTrue(pages.stream().allMatch(p -> p.getItemsCount() <= 2), "no page over the limit");
    assertEquals(1, pages.stream().map(p -> p.getMetadata().getResourceVersion()).distinct().count());
  }

  @Test
  void aListsResourceVersionIsTheStoreRevisionItWasReadAt() {
    String ns = createNamespace(writer(), "rv");
    Pod last = create(ns, "a", Map.of());
    PodList list = pods(reader()).list(ListRequest.newBuilder().setNamespace(ns).build());

    long rv = list.getMetadata().getResourceVersion();
    assertTrue(rv >= last.getMetadata().getResourceVersion() && rv <= storeRevision(cluster.master(0)), "rv " + rv);
    assertEquals("PodList", list.getKind());
    assertEquals("v1", list.getApiVersion());
    assertEquals(List.of(last), list.getItemsList());
  }

  @Test
  void aForgedContinueTokenIsInvalid() {
    String ns = createNamespace(writer(), "forged");
    String other = createNamespace(writer(), "forged");
    for (String name : List.of("a", "b", "c")) {
      create(ns, name, Map.of());
    }
    String token = pods(writer()).list(page(ns, 1).build()).getMetadata().getContinue();
    assertFalse(token.isEmpty());
    String raw = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
    // the same token with a revision far past the store's
    String future = base64((storeRevision(cluster.master(0)) + 1_000_000) + raw.substring(raw.indexOf(':')));

    Map<String, Executable> forgeries = new LinkedHashMap<>();
    forgeries.put("not base64", () -> pods(reader()).list(page(ns, 1).setContinue("not a token!").build()));
    forgeries.put("base64 of nothing", () -> pods(reader()).list(page(ns, 1).setContinue(base64("hello")).build()));
    forgeries.put("a negative revision", () -> pods(reader()).list(page(ns, 1)
        .setContinue(base64("-5:" + base64("/registry/pods/" + ns + "/b"))).build()));
    forgeries.put("a key of another kind", () -> pods(reader()).list(page(ns, 1)
        .setContinue(base64("7:" + base64("/registry/secrets/x"))).build()));
    forgeries.put("another namespace's token", () -> pods(reader()).list(page(other, 1).setContinue(token).build()));
    forgeries.put("a pod listing's token for replica sets", () -> replicaSets(reader()).list(ListRequest.newBuilder()
        .setNamespace(ns).setLimit(1).setContinue(token).build()));
    forgeries.put("a revision the store has not reached",
        () -> pods(reader()).list(page(ns, 1).setContinue(future).build()));
    List<Executable> checks = new ArrayList<>();
    forgeries.forEach((what, call) ->
        checks.add(() -> assertRefused(what, Status.Code.INVALID_ARGUMENT, call, "continue")));
    assertAll(checks);
  }

  @Test
  void aNegativeLimitIsInvalid() {
    assertRefused(Status.Code.INVALID_ARGUMENT,
        () -> pods(reader()).list(ListRequest.newBuilder().setNamespace("default").setLimit(-1).build()), "limit");
  }

  @Test
  void anEmptyNamespaceListsEveryNamespace() {
    String one = createNamespace(writer(), "all");
    String two = createNamespace(writer(), "all");
    String run = unique("run");
    create(one, "web", Map.of("run", run));
    create(two, "web", Map.of("run", run));
    create(two, "db", Map.of("run", run));

    PodList all = pods(reader()).list(ListRequest.newBuilder().setNamespace("").setLabelSelector("run=" + run).build());
    assertEquals(Set.of(one + "/web", two + "/web", two + "/db"), qualifiedNames(all));

    PodList narrowed = pods(reader()).list(ListRequest.newBuilder().setNamespace("")
        .setLabelSelector("run=" + run).setFieldSelector("metadata.namespace=" + two).build());
    assertEquals(Set.of(two + "/web", two + "/db"), qualifiedNames(narrowed));

    PodList paged = pods(reader()).list(ListRequest.newBuilder().setLabelSelector("run=" + run).setLimit(2).build());
    List<PodList> pages = readAllPages(paged, "", 2, "run=" + run);
    assertEquals(qualifiedNames(all),
        pages.stream().flatMap(p -> qualifiedNames(p).stream()).collect(Collectors.toSet()), "paged across namespaces");
  }

  // ---- helpers ----

  private Pod create(String ns, String name, Map<String, String> labels) {
    Pod.Builder pod = pod(ns, name);
    pod.getMetadataBuilder().putAllLabels(labels);
    return pods(writer()).create(pod.build());
  }

  private Pod bind(Pod pod, String node) {
    return pods(writer()).update(pod.toBuilder().setSpec(pod.getSpec().toBuilder().setNodeName(node)).build());
  }

  private Pod setPhase(Pod pod, String phase) {
    return pods(writer()).updateStatus(pod.toBuilder().setStatus(PodStatus.newBuilder().setPhase(phase)).build());
  }

  private static ListRequest.Builder page(String ns, int limit) {
    return ListRequest.newBuilder().setNamespace(ns).setLimit(limit);
  }

  /** The first page and the rest, each next page read through {@link #reader()}. */
  private List<PodList> readAllPages(PodList first, String ns, int limit, String labelSelector) {
    List<PodList> pages = new ArrayList<>(List.of(first));
    while (!pages.get(pages.size() - 1).getMetadata().getContinue().isEmpty()) {
      assertTrue(pages.size() < 100, "paging does not end");
      pages.add(pods(reader()).list(page(ns, limit).setLabelSelector(labelSelector)
          .setContinue(pages.get(pages.size() - 1).getMetadata().getContinue()).build()));
    }
    return pages;
  }

  /** For each selector, the names a List with it returns (read through {@link #reader()}), all checked. */
  private void assertSelections(Map<String, Set<String>> expected,
      Function<String, ListRequest.Builder> request) {
    List<Executable> checks = new ArrayList<>();
    for (Map.Entry<String, Set<String>> entry : expected.entrySet()) {
      checks.add(() -> assertEquals(entry.getValue(),
          new HashSet<>(names(pods(reader()).list(request.apply(entry.getKey()).build()))),
          "selector \"" + entry.getKey() + "\""));
    }
    assertAll(checks);
  }

  private static List<String> names(PodList list) {
    return list.getItemsList().stream().map(p -> p.getMetadata().getName()).toList();
  }

  private static Set<String> qualifiedNames(PodList list) {
    return list.getItemsList().stream().map(p -> p.getMetadata().getNamespace() + "/" + p.getMetadata().getName())
        .collect(Collectors.toSet());
  }

  private static String base64(String s) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }
}
