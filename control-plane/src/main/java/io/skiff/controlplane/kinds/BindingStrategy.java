package io.skiff.controlplane.kinds;

import com.google.protobuf.Message;
import io.skiff.api.v1.Subject;
import io.skiff.controlplane.auth.Role;
import io.skiff.controlplane.registry.Strategy;
import io.skiff.controlplane.validation.FieldErrors;
import io.skiff.controlplane.validation.FieldPath;
import java.util.List;
import java.util.function.Function;

/**
 * RoleBindings and ClusterRoleBindings: one of the fixed roles granted to users and groups. The two
 * kinds differ only in scope, so one strategy reads either through accessors.
 */
final class BindingStrategy<T extends Message> implements Strategy<T> {
  static final List<String> SUBJECT_KINDS = List.of("User", "Group");

  private final Function<T, String> role;
  private final Function<T, List<Subject>> subjects;

  BindingStrategy(Function<T, String> role, Function<T, List<Subject>> subjects) {
    this.role = role;
    this.subjects = subjects;
  }

  @Override
  public void validate(T binding, FieldErrors errors) {
    String name = role.apply(binding);
    if (name.isEmpty()) {
      errors.required(FieldPath.root("role"));
    } else if (Role.named(name).isEmpty()) {
      errors.notSupported(FieldPath.root("role"), name, Role.NAMES);
    }
    List<Subject> list = subjects.apply(binding);
    FieldPath path = FieldPath.root("subjects");
    if (list.isEmpty()) {
      errors.required(path, "at least one User or Group");
    }
    for (int i = 0; i < list.size(); i++) {
      Subject subject = list.get(i);
      if (!SUBJECT_KINDS.contains(subject.getKind())) {
        errors.notSupported(path.index(i).child("kind"), subject.getKind(), SUBJECT_KINDS);
      }
      if (subject.getName().isEmpty()) {
        errors.required(path.index(i).child("name"));
      }
    }
  }
}
