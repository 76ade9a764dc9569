package io.skiff.agent.pods;

import io.skiff.api.v1.Container;
import io.skiff.api.v1.PodSpec;
import io.skiff.client.Quantity;
import java.util.Map;

/** Kubernetes' quality-of-service class of a pod, from its containers' requests and limits. */
final class QosClass {
  private QosClass() {
  }

  /**
   * BestEffort: no container asks for or limits cpu or memory. Guaranteed: every container limits
   * both, and any request equals its limit. Burstable: anything between.
   */
  static String of(PodSpec spec) {
    boolean any = false;
    boolean guaranteed = true;
    for (Container container : spec.getContainersList()) {
      Map<String, String> limits = container.getResources().getLimitsMap();
      Map<String, String> requests = container.getResources().getRequestsMap();
      for (String resource : new String[] {"cpu", "memory"}) {
        any |= limits.containsKey(resource) || requests.containsKey(resource);
        String limit = limits.get(resource);
        String request = requests.get(resource);
        if (limit == null || (request != null && !Quantity.parse(request).equals(Quantity.parse(limit)))) {
          guaranteed = false;
        }
      }
    }
    return !any ? "BestEffort" : guaranteed ? "Guaranteed" : "Burstable";
  }
}
