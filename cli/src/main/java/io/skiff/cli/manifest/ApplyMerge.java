package io.skiff.cli.manifest;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * kubectl apply's three-way merge, on trees: the result is the live object
 * changed as the manifest now says, where a field the last applied manifest
 * had and this one does not is removed, and a field neither manifest has
 * (defaults, a scheduler's nodeName, a controller's annotation, a user's
 * `scale`) is kept. Lists are replaced, except the lists Kubernetes merges by
 * a key (containers and env by name, ports by containerPort), whose items
 * merge one by one.
 */
public final class ApplyMerge {
  private static final Map<String, String> MERGE_KEYS = Map.of(
      "containers", "name",
      "env", "name",
      "ports", "containerPort");

  private ApplyMerge() {
  }

  public static Map<String, Object> merge(Map<String, Object> live, Map<String, Object> applied,
      Map<String, Object> lastApplied) {
    Map<String, Object> result = new LinkedHashMap<>(live);
    for (String key : lastApplied.keySet()) {
      if (!applied.containsKey(key)) {
        result.remove(key);
      }
    }
    for (Map.Entry<String, Object> entry : applied.entrySet()) {
      String key = entry.getKey();
      result.put(key, value(key, live.get(key), entry.getValue(), lastApplied.get(key)));
    }
    return result;
  }

  private static Object value(String key, Object live, Object applied, Object last) {
    if (applied instanceof Map<?, ?> appliedMap) {
      return merge(asMap(live), asMap(appliedMap), asMap(last));
    }
    String mergeKey = MERGE_KEYS.get(key);
    if (mergeKey != null && applied instanceof List<?> appliedList && keyed(appliedList, mergeKey)
        && keyed(asList(live), mergeKey) && keyed(asList(last), mergeKey)) {
      return mergeList(mergeKey, asList(live), appliedList, asList(last));
    }
    return applied;
  }

  private static List<Object> mergeList(String mergeKey, List<?> live, List<?> applied, List<?> last) {
    Map<Object, Map<String, Object>> liveByKey = byKey(live, mergeKey);
    Map<Object, Map<String, Object>> lastByKey = byKey(last, mergeKey);
    Set<Object> appliedKeys = new HashSet<>();
    List<Object> result = new ArrayList<>();
    for (Object item : applied) {
      Map<String, Object> map = asMap(item);
      Object k = map.get(mergeKey);
      appliedKeys.add(k);
      result.add(merge(liveByKey.getOrDefault(k, Map.of()), map, lastByKey.getOrDefault(k, Map.of())));
    }
    for (Object item : live) {
      Object k = asMap(item).get(mergeKey);
      if (!appliedKeys.contains(k) && !lastByKey.containsKey(k)) {
        result.add(item);
      }
    }
    return result;
  }

  private static boolean keyed(List<?> list, String mergeKey) {
    return list.stream().allMatch(item -> item instanceof Map<?, ?> map && map.get(mergeKey) != null);
  }

  private static Map<Object, Map<String, Object>> byKey(List<?> list, String mergeKey) {
    Map<Object, Map<String, Object>> byKey = new LinkedHashMap<>();
    for (Object item : list) {
      Map<String, Object> map = asMap(item);
      byKey.put(map.get(mergeKey), map);
    }
    return byKey;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> asMap(Object value) {
    return value instanceof Map<?, ?> map ? (Map<String, Object>) map : Map.of();
  }

  private static List<?> asList(Object value) {
    return value instanceof List<?> list ? list : List.of();
  }
}
