package io.skiff.controlplane.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skiff.api.v1.Subject;
import io.skiff.client.ResourceType;
import io.skiff.client.ResourceTypes;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The roles of docs/security.md as a table: every role × every verb × every kind × own, other and
 * all namespaces, against grants written out independently of the authorizer's code; and the node
 * rules case by case.
 */
class AuthorizerTest {
  private static final String OWN = "own";
  private static final String OTHER = "other";
  private static final Set<String> WORKLOADS = Set.of("pods", "replicasets", "deployments", "events", "leases");
  private static final Set<String> NAMESPACED = Set.of("pods", "replicasets", "deployments", "events", "leases",
      "rolebindings");
  private static final Set<Verb> ALL_VERBS = EnumSet.allOf(Verb.class);
  private static final Set<Verb> READS = EnumSet.of(Verb.GET, Verb.LIST, Verb.WATCH, Verb.LOGS);

  /** Where a grant holds: "own" or "other" namespace, "all" namespaces, or "cluster" (cluster-scoped kinds). */
  private record Grant(Set<String> kinds, Set<Verb> verbs, Set<String> scopes) {
  }

  private record Case(String user, List<String> groups, List<Grant> grants) {
  }

  private final BindingIndex bindings = new BindingIndex();
  private final Authorizer authorizer = new Authorizer(bindings);

  AuthorizerTest() {
    bindings.put("", "admins", "cluster-admin", List.of(user("crb-admin")));
    bindings.put(OWN, "admins", "cluster-admin", List.of(user("rb-admin")));
    bindings.put(OWN, "editors", "edit", List.of(group("ns-editors")));
    bindings.put("", "editors", "edit", List.of(user("all-editor")));
    bindings.put(OWN, "viewers", "view", List.of(user("ns-viewer")));
    bindings.put("", "viewers", "view", List.of(group("all-viewers")));
    bindings.put(OTHER, "unrelated", "edit", List.of(user("someone-else")));
  }

  private static List<Case> cases() {
    Set<String> everyKind = Set.copyOf(ResourceTypes.ALL.stream().map(ResourceType::resource).toList());
    Set<String> everywhere = Set.of(OWN, OTHER, "all", "cluster");
    Grant getOwnNamespace = new Grant(Set.of("namespaces/" + OWN), Set.of(Verb.GET), Set.of("cluster"));
    Grant getAnyNamespace = new Grant(Set.of("namespaces/" + OWN, "namespaces/" + OTHER), Set.of(Verb.GET),
        Set.of("cluster"));
    return List.of(
        new Case("crb-admin", List.of(), List.of(new Grant(everyKind, ALL_VERBS, everywhere))),
        new Case("rb-admin", List.of(), List.of(new Grant(NAMESPACED, ALL_VERBS, Set.of(OWN)), getOwnNamespace)),
        new Case("ns-editor", List.of("ns-editors"), List.of(new Grant(WORKLOADS, ALL_VERBS, Set.of(OWN)),
            getOwnNamespace)),
        new Case("all-editor", List.of(), List.of(new Grant(WORKLOADS, ALL_VERBS, Set.of(OWN, OTHER, "all")),
            getAnyNamespace)),
        new Case("ns-viewer", List.of(), List.of(new Grant(WORKLOADS, READS, Set.of(OWN)), getOwnNamespace)),
        new Case("all-viewer", List.of("all-viewers"), List.of(new Grant(WORKLOADS, READS, Set.of(OWN, OTHER, "all")),
            getAnyNamespace)),
        new Case("nobody", List.of(), List.of()),
        new Case("admin", List.of(Identity.MASTERS_GROUP), List.of(new Grant(everyKind, ALL_VERBS, everywhere))));
  }

  @Test
  void everyRoleVerbKindAndNamespaceAsTheDesignSays() {
    int checked = 0;
    List<String> wrong = new ArrayList<>();
    for (Case c : cases()) {
      List<String> groups = new ArrayList<>(c.groups());
      groups.add(Identity.AUTHENTICATED_GROUP);
      Identity who = new Identity(c.user(), groups, "certificate");
      for (ResourceType<?> type : ResourceTypes.ALL) {
        for (Verb verb : Verb.values()) {
          for (String scope : scopes(type, verb)) {
            String namespace = type.namespaced() && !scope.equals("all") ? scope : "";
            String name = type.namespaced() ? (verb.collection() ? "" : "x") : (scope.equals("cluster") ? OWN : OTHER);
            if (type.resource().equals("namespaces") && scope.equals("cluster")) {
              name = OWN;
            }
            boolean expected = expected(c, type, verb, scope, name);
            AccessRequest request = AccessRequest.of(verb, type, namespace, name);
            Optional<String> denial = authorizer.denial(who, request);
            checked++;
            if (denial.isEmpty() != expected) {
              wrong.add(c.user() + " " + verb + " " + type.resource() + " " + scope + "/" + name + ": expected "
                  + (expected ? "allowed" : "denied") + ", got " + denial.orElse("allowed"));
            } else if (denial.isPresent()) {
              String where = !type.namespaced() ? "(cluster-scoped)"
                  : namespace.isEmpty() ? "in all namespaces" : "in namespace \"" + namespace + "\"";
              String message = "user \"" + c.user() + "\" cannot " + verb.text() + " " + type.resource() + " " + where;
              if (!denial.get().equals(message)) {
                wrong.add("message " + denial.get() + " instead of " + message);
              }
            }
          }
        }
      }
    }
    assertEquals(List.of(), wrong);
    assertTrue(checked > 1000, "checked " + checked);
  }

  /** Namespaced kinds: own, other, and for list/watch every namespace; cluster-scoped: the cluster (twice for namespaces: own and other). */
  private static List<String> scopes(ResourceType<?> type, Verb verb) {
    if (!type.namespaced()) {
      return type.resource().equals("namespaces") ? List.of("cluster", "cluster-other") : List.of("cluster");
    }
    return verb.collection() ? List.of(OWN, OTHER, "all") : List.of(OWN, OTHER);
  }

  private static boolean expected(Case c, ResourceType<?> type, Verb verb, String scope, String name) {
    String kind = type.resource().equals("namespaces") && verb == Verb.GET && !name.isEmpty()
        ? "namespaces/" + name : type.resource();
    String where = scope.startsWith("cluster") ? "cluster" : scope;
    for (Grant grant : c.grants()) {
      boolean kindMatches = grant.kinds().contains(kind) || grant.kinds().contains(type.resource());
      if (kindMatches && grant.verbs().contains(verb) && grant.scopes().contains(where)) {
        return true;
      }
    }
    return false;
  }

  // ---- nodes ----

  private static final Identity NODE = new Identity("system:node:n1",
      List.of(Identity.NODES_GROUP, Identity.AUTHENTICATED_GROUP), "certificate");

  private Optional<String> asNode(AccessRequest request) {
    return authorizer.denial(NODE, request);
  }

  @Test
  void nodesReadEveryNodeAndWriteOnlyTheirOwn() {
    for (Verb verb : List.of(Verb.GET, Verb.LIST, Verb.WATCH)) {
      assertEquals(Optional.empty(), asNode(AccessRequest.of(verb, ResourceTypes.NODES, "", verb.collection() ? "" : "n2")));
    }
    for (Verb verb : List.of(Verb.CREATE, Verb.UPDATE, Verb.UPDATE_STATUS)) {
      assertEquals(Optional.empty(), asNode(AccessRequest.of(verb, ResourceTypes.NODES, "", "n1")));
      assertEquals(Optional.of("node \"n1\" cannot " + verb.text() + " nodes (cluster-scoped): node \"n2\" is not itself"),
          asNode(AccessRequest.of(verb, ResourceTypes.NODES, "", "n2")));
    }
    assertEquals(Optional.of("node \"n1\" cannot delete nodes (cluster-scoped)"),
        asNode(AccessRequest.of(Verb.DELETE, ResourceTypes.NODES, "", "n1")));
  }

  @Test
  void nodesKeepOnlyTheirOwnLease() {
    for (Verb verb : List.of(Verb.GET, Verb.CREATE, Verb.UPDATE)) {
      assertEquals(Optional.empty(), asNode(AccessRequest.of(verb, ResourceTypes.LEASES, "skiff-system", "n1")));
      assertTrue(asNode(AccessRequest.of(verb, ResourceTypes.LEASES, "skiff-system", "n2")).isPresent());
      assertTrue(asNode(AccessRequest.of(verb, ResourceTypes.LEASES, "default", "n1")).isPresent());
    }
    assertEquals(Optional.of("node \"n1\" cannot delete leases in namespace \"skiff-system\""),
        asNode(AccessRequest.of(Verb.DELETE, ResourceTypes.LEASES, "skiff-system", "n1")));
  }

  @Test
  void nodesSeeAndChangeOnlyThePodsBoundToThem() {
    AccessRequest list = AccessRequest.of(Verb.LIST, ResourceTypes.PODS, "", "");
    assertEquals(Optional.empty(), asNode(list.withSelectedNode(Optional.of("n1"))));
    assertEquals(Optional.empty(), asNode(AccessRequest.of(Verb.WATCH, ResourceTypes.PODS, "", "")
        .withSelectedNode(Optional.of("n1"))));
    assertEquals(Optional.of("node \"n1\" cannot list pods in all namespaces: only with field selector spec.nodeName=n1"),
        asNode(list));
    assertTrue(asNode(list.withSelectedNode(Optional.of("n2"))).isPresent());

    for (Verb verb : List.of(Verb.GET, Verb.UPDATE_STATUS, Verb.DELETE)) {
      AccessRequest web = AccessRequest.of(verb, ResourceTypes.PODS, "default", "web");
      assertEquals(Optional.empty(), asNode(web.withBoundNode(() -> Optional.of("n1"))));
      String notBound = "node \"n1\" cannot " + verb.text() + " pods in namespace \"default\": pod \"web\" is not bound to it";
      assertEquals(Optional.of(notBound), asNode(web.withBoundNode(() -> Optional.of("n2"))));
      assertEquals(Optional.of(notBound), asNode(web.withBoundNode(() -> Optional.of(""))));
      assertEquals(Optional.of(notBound), asNode(web));  // no such pod
    }
    // a status update may not move the pod to itself either
    assertTrue(asNode(AccessRequest.of(Verb.UPDATE_STATUS, ResourceTypes.PODS, "default", "web")
        .withBoundNode(() -> Optional.of("n1")).withNewNode("n2")).isPresent());
    // the agent's status write carries metadata and status only: no spec, no node, nothing moved
    assertEquals(Optional.empty(), asNode(AccessRequest.of(Verb.UPDATE_STATUS, ResourceTypes.PODS, "default", "web")
        .withBoundNode(() -> Optional.of("n1")).withNewNode("")));
    for (Verb verb : List.of(Verb.CREATE, Verb.UPDATE, Verb.LOGS)) {
      assertTrue(asNode(AccessRequest.of(verb, ResourceTypes.PODS, "default", "web")
          .withBoundNode(() -> Optional.of("n1"))).isPresent(), verb.text());
    }
  }

  @Test
  void nodesWriteEventsAndNothingElse() {
    for (Verb verb : Verb.values()) {
      boolean allowed = Set.of(Verb.CREATE, Verb.UPDATE, Verb.GET).contains(verb);
      assertEquals(allowed, asNode(AccessRequest.of(verb, ResourceTypes.EVENTS, "default", verb.collection() ? "" : "e"))
          .isEmpty(), verb.text());
    }
    for (ResourceType<?> type : List.of(ResourceTypes.NAMESPACES, ResourceTypes.REPLICA_SETS, ResourceTypes.DEPLOYMENTS,
        ResourceTypes.ROLE_BINDINGS, ResourceTypes.CLUSTER_ROLE_BINDINGS)) {
      for (Verb verb : Verb.values()) {
        assertTrue(asNode(AccessRequest.of(verb, type, type.namespaced() ? "default" : "", "x")).isPresent());
      }
    }
  }

  @Test
  void bindingsChangeTakeEffectAtOnce() {
    Identity bob = new Identity("bob", List.of(Identity.AUTHENTICATED_GROUP), "token");
    AccessRequest delete = AccessRequest.of(Verb.DELETE, ResourceTypes.PODS, "prod", "web");
    assertEquals(Optional.of("user \"bob\" cannot delete pods in namespace \"prod\""), authorizer.denial(bob, delete));
    bindings.put("prod", "bob", "edit", List.of(user("bob")));
    assertEquals(Optional.empty(), authorizer.denial(bob, delete));
    bindings.remove("prod", "bob");
    assertTrue(authorizer.denial(bob, delete).isPresent());
    assertEquals(Optional.of("user \"bob\" cannot list nodes (cluster-scoped)"),
        authorizer.denial(bob, AccessRequest.of(Verb.LIST, ResourceTypes.NODES, "", "")));
    assertEquals(Optional.of("user \"bob\" cannot list pods in all namespaces"),
        authorizer.denial(bob, AccessRequest.of(Verb.LIST, ResourceTypes.PODS, "", "")));
  }

  private static Subject user(String name) {
    return Subject.newBuilder().setKind("User").setName(name).build();
  }

  private static Subject group(String name) {
    return Subject.newBuilder().setKind("Group").setName(name).build();
  }
}
