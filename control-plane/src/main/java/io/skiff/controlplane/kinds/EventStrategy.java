package io.skiff.controlplane.kinds;

import io.skiff.api.v1.Event;
import io.skiff.controlplane.registry.Strategy;
import io.skiff.controlplane.validation.FieldErrors;
import io.skiff.controlplane.validation.FieldPath;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Events: what happened to an object; type Normal (default) or Warning. */
final class EventStrategy implements Strategy<Event> {
  private static final List<String> TYPES = List.of("Normal", "Warning");

  @Override
  public Event defaults(Event event) {
    Event.Builder out = event.toBuilder();
    if (event.getType().isEmpty()) {
      out.setType("Normal");
    }
    if (event.getCount() == 0) {
      out.setCount(1);
    }
    return out.build();
  }

  @Override
  public void validate(Event event, FieldErrors errors) {
    FieldPath involved = FieldPath.root("involvedObject");
    if (event.getInvolvedObject().getKind().isEmpty()) {
      errors.required(involved.child("kind"));
    }
    if (event.getInvolvedObject().getName().isEmpty()) {
      errors.required(involved.child("name"));
    }
    String objectNamespace = event.getInvolvedObject().getNamespace();
    if (!objectNamespace.isEmpty() && !objectNamespace.equals(event.getMetadata().getNamespace())) {
      errors.invalid(involved.child("namespace"), objectNamespace, "does not match event.namespace");
    }
    if (event.getReason().isEmpty()) {
      errors.required(FieldPath.root("reason"));
    }
    if (!TYPES.contains(event.getType())) {
      errors.notSupported(FieldPath.root("type"), event.getType(), TYPES);
    }
    if (event.getCount() < 0) {
      errors.invalid(FieldPath.root("count"), event.getCount(), "must be greater than or equal to 0");
    }
  }

  @Override
  public Set<String> selectableFields() {
    return Set.of("involvedObject.kind", "involvedObject.name", "involvedObject.namespace", "involvedObject.uid",
        "reason", "type");
  }

  @Override
  public Map<String, String> fieldValues(Event event) {
    return Map.of("involvedObject.kind", event.getInvolvedObject().getKind(),
        "involvedObject.name", event.getInvolvedObject().getName(),
        "involvedObject.namespace", event.getInvolvedObject().getNamespace(),
        "involvedObject.uid", event.getInvolvedObject().getUid(),
        "reason", event.getReason(),
        "type", event.getType());
  }
}
