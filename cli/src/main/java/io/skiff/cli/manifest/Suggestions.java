package io.skiff.cli.manifest;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import java.util.Locale;
import java.util.Set;

/** The words for an unknown field: the nearest field the message has, or that Skiff lacks a Kubernetes field. */
final class Suggestions {
  /**
   * Fields of Kubernetes' Pod, workload and metadata types that Skiff's API
   * does not have (yet): named as such, so a real manifest's author knows it
   * is not a typo.
   */
  private static final Set<String> KUBERNETES_ONLY = Set.of(
      "volumes", "volumeMounts", "volumeDevices", "initContainers", "ephemeralContainers", "securityContext",
      "serviceAccountName", "serviceAccount", "automountServiceAccountToken", "imagePullSecrets", "affinity",
      "dnsPolicy", "dnsConfig", "hostNetwork", "hostPID", "hostIPC", "priorityClassName", "priority",
      "topologySpreadConstraints", "runtimeClassName", "envFrom", "lifecycle", "terminationMessagePath",
      "terminationMessagePolicy", "stdin", "stdinOnce", "tty", "readinessGates", "shareProcessNamespace",
      "subdomain", "hostAliases", "enableServiceLinks", "preemptionPolicy", "overhead", "os", "valueFrom",
      "managedFields", "selfLink", "grpc", "resizePolicy", "restartPolicyRules");

  private Suggestions() {
  }

  static String unknownField(Descriptor type, String name) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (FieldDescriptor field : type.getFields()) {
      String candidate = FieldNames.name(field);
      int distance = candidate.equalsIgnoreCase(name) ? 0 : distance(name.toLowerCase(Locale.ROOT),
          candidate.toLowerCase(Locale.ROOT));
      if (distance < bestDistance) {
        best = candidate;
        bestDistance = distance;
      }
    }
    if (best != null && bestDistance <= Math.max(1, Math.min(3, name.length() / 3))) {
      return "unknown field; did you mean \"" + best + "\"?";
    }
    if (KUBERNETES_ONLY.contains(name)) {
      return "unknown field (Kubernetes has it; Skiff does not support it)";
    }
    return "unknown field";
  }

  /** Levenshtein distance. */
  static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }
}
