package io.skiff.controlplane.auth;

/** PERMISSION_DENIED messages: who, the verb, the kind, the namespace, and for node rules why. */
final class Denials {
  private Denials() {
  }

  /** {@code user "bob" cannot delete pods in namespace "prod"}, and {@code : REASON} when given. */
  static String cannot(Identity who, AccessRequest request, String reason) {
    return subject(who) + " cannot " + request.verb().text() + " " + request.resource() + " " + where(request)
        + (reason == null ? "" : ": " + reason);
  }

  /** {@code user "bob"} or {@code node "n1"}. */
  static String subject(Identity who) {
    return who.nodeName().map(n -> "node \"" + n + "\"").orElse("user \"" + who.user() + "\"");
  }

  private static String where(AccessRequest request) {
    if (!request.type().namespaced()) {
      return "(cluster-scoped)";
    }
    return request.namespace().isEmpty() ? "in all namespaces" : "in namespace \"" + request.namespace() + "\"";
  }
}
