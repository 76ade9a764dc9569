package io.skiff.controlplane.registry;

import io.skiff.api.v1.ObjectMeta;
import io.skiff.api.v1.OwnerReference;
import io.skiff.controlplane.validation.FieldErrors;
import io.skiff.controlplane.validation.FieldPath;
import io.skiff.controlplane.validation.Names;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The checks every kind's metadata gets, as Kubernetes' ValidateObjectMeta. */
final class MetadataValidation {
  /** Kubernetes' limit on the sum of annotation keys and values. */
  static final int MAX_ANNOTATION_BYTES = 256 * 1024;

  private MetadataValidation() {
  }

  static void validate(Kind<?> kind, ObjectMeta meta, List<String> nameProblems, FieldErrors errors) {
    FieldPath path = FieldPath.root("metadata");
    if (meta.getName().isEmpty()) {
      errors.required(path.child("name"), "name or generateName is required");
    } else {
      for (String problem : nameProblems) {
        errors.invalid(path.child("name"), meta.getName(), problem);
      }
    }
    if (kind.namespaced()) {
      for (String problem : Names.dns1123Label(meta.getNamespace())) {
        errors.invalid(path.child("namespace"), meta.getNamespace(), problem);
      }
    }
    for (Map.Entry<String, String> label : meta.getLabelsMap().entrySet()) {
      for (String problem : Names.labelKey(label.getKey())) {
        errors.invalid(path.child("labels"), label.getKey(), problem);
      }
      for (String problem : Names.labelValue(label.getValue())) {
        errors.invalid(path.child("labels").key(label.getKey()), label.getValue(), problem);
      }
    }
    long annotationBytes = 0;
    for (Map.Entry<String, String> annotation : meta.getAnnotationsMap().entrySet()) {
      for (String problem : Names.labelKey(annotation.getKey())) {
        errors.invalid(path.child("annotations"), annotation.getKey(), problem);
      }
      annotationBytes += annotation.getKey().length() + annotation.getValue().length();
    }
    if (annotationBytes > MAX_ANNOTATION_BYTES) {
      errors.tooLong(path.child("annotations"), MAX_ANNOTATION_BYTES);
    }
    for (int i = 0; i < meta.getOwnerReferencesCount(); i++) {
      OwnerReference ref = meta.getOwnerReferences(i);
      FieldPath refPath = path.child("ownerReferences").index(i);
      requireNonEmpty(ref.getApiVersion(), refPath.child("apiVersion"), errors);
      requireNonEmpty(ref.getKind(), refPath.child("kind"), errors);
      requireNonEmpty(ref.getName(), refPath.child("name"), errors);
      requireNonEmpty(ref.getUid(), refPath.child("uid"), errors);
    }
    if (meta.getOwnerReferencesList().stream().filter(OwnerReference::getController).count() > 1) {
      errors.invalid(path.child("ownerReferences"), meta.getOwnerReferencesCount(),
          "Only one reference can have Controller set to true");
    }
    Set<String> finalizers = new HashSet<>();
    for (int i = 0; i < meta.getFinalizersCount(); i++) {
      String finalizer = meta.getFinalizers(i);
      FieldPath finalizerPath = path.child("finalizers").index(i);
      for (String problem : Names.labelKey(finalizer)) {
        errors.invalid(finalizerPath, finalizer, problem);
      }
      if (!finalizers.add(finalizer)) {
        errors.duplicate(finalizerPath, finalizer);
      }
    }
  }

  private static void requireNonEmpty(String value, FieldPath path, FieldErrors errors) {
    if (value.isEmpty()) {
      errors.required(path);
    }
  }
}
