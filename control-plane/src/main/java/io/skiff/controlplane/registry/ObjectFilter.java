package io.skiff.controlplane.registry;

import com.google.protobuf.Message;
import io.skiff.api.v1.ObjectMeta;
import io.skiff.controlplane.selector.FieldSelector;
import io.skiff.controlplane.selector.LabelSelector;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.HashSet;

/** Which objects a List or Watch wants: a namespace, a label selector, a field selector. */
public final class ObjectFilter<T extends Message> {
  private final Kind<T> kind;
  private final String namespace;
  private final LabelSelector labels;
  private final FieldSelector fields;

  private ObjectFilter(Kind<T> kind, String namespace, LabelSelector labels, FieldSelector fields) {
    this.kind = kind;
    this.namespace = namespace;
    this.labels = labels;
    this.fields = fields;
  }

  /** Parses the request's selectors; a bad one is INVALID_ARGUMENT naming it. */
  public static <T extends Message> ObjectFilter<T> of(Kind<T> kind, String namespace, String labelSelector,
      String fieldSelector) {
    if (!kind.namespaced() && !namespace.isEmpty()) {
      throw ApiException.invalid(kind.resource() + " are not namespaced: namespace must be empty");
    }
    LabelSelector labels;
    FieldSelector fields;
    try {
      labels = LabelSelector.parse(labelSelector);
    } catch (IllegalArgumentException e) {
      throw ApiException.invalid("label_selector: " + e.getMessage());
    }
    Set<String> supported = new HashSet<>(kind.strategy().selectableFields());
    supported.add("metadata.name");
    supported.add("metadata.namespace");
    try {
      fields = FieldSelector.parse(fieldSelector, supported);
    } catch (IllegalArgumentException e) {
      throw ApiException.invalid("field_selector: " + e.getMessage());
    }
    // a field selector on the namespace narrows the store range like the namespace itself
    String ns = namespace;
    if (ns.isEmpty() && kind.namespaced()) {
      ns = fields.requiredValue("metadata.namespace").orElse("");
    }
    return new ObjectFilter<>(kind, ns, labels, fields);
  }

  public static <T extends Message> ObjectFilter<T> everything(Kind<T> kind) {
    return new ObjectFilter<>(kind, "", LabelSelector.everything(), FieldSelector.everything());
  }

  /** The namespace to read ("" for all). */
  public String namespace() {
    return namespace;
  }

  public boolean matches(T object) {
    return matches(facts(object));
  }

  /** What filters read of an object, worked out once so that many filters can share it (a watch event's). */
  public record Facts(String namespace, Map<String, String> labels, Map<String, String> fields) {
  }

  public Facts facts(T object) {
    ObjectMeta meta = kind.meta(object);
    Map<String, String> values = new HashMap<>(kind.strategy().fieldValues(object));
    values.put("metadata.name", meta.getName());
    values.put("metadata.namespace", meta.getNamespace());
    return new Facts(meta.getNamespace(), meta.getLabelsMap(), values);
  }

  public boolean matches(Facts object) {
    if (!namespace.isEmpty() && !namespace.equals(object.namespace())) {
      return false;
    }
    if (!labels.isEverything() && !labels.matches(object.labels())) {
      return false;
    }
    return fields.isEverything() || fields.matches(object.fields());
  }

}
