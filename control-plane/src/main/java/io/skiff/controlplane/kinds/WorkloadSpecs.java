package io.skiff.controlplane.kinds;

import io.skiff.api.v1.LabelSelector;
import io.skiff.api.v1.PodTemplateSpec;
import io.skiff.controlplane.selector.LabelSelectors;
import io.skiff.controlplane.validation.FieldErrors;
import io.skiff.controlplane.validation.FieldPath;
import io.skiff.controlplane.validation.Names;
import java.util.Map;

/** What ReplicaSets and Deployments share: a selector that picks their template's pods. */
final class WorkloadSpecs {
  private WorkloadSpecs() {
  }

  static PodTemplateSpec defaults(PodTemplateSpec template) {
    return template.toBuilder().setSpec(PodSpecs.defaults(template.getSpec())).build();
  }

  static void validate(int replicas, LabelSelector selector, PodTemplateSpec template, FieldPath spec,
      FieldErrors errors) {
    if (replicas < 0) {
      errors.invalid(spec.child("replicas"), replicas, "must be greater than or equal to 0");
    }
    FieldPath selectorPath = spec.child("selector");
    io.skiff.controlplane.selector.LabelSelector parsed = null;
    if (selector.getMatchLabelsCount() == 0 && selector.getMatchExpressionsCount() == 0) {
      errors.required(selectorPath);
    } else {
      try {
        parsed = LabelSelectors.of(selector);
      } catch (IllegalArgumentException e) {
        errors.invalid(selectorPath, selector.toString().replace('\n', ' ').trim(), e.getMessage());
      }
    }
    FieldPath templatePath = spec.child("template");
    Map<String, String> labels = template.getMetadata().getLabelsMap();
    for (Map.Entry<String, String> label : labels.entrySet()) {
      for (String problem : Names.labelKey(label.getKey())) {
        errors.invalid(templatePath.child("metadata").child("labels"), label.getKey(), problem);
      }
      for (String problem : Names.labelValue(label.getValue())) {
        errors.invalid(templatePath.child("metadata").child("labels").key(label.getKey()), label.getValue(), problem);
      }
    }
    if (parsed != null && !parsed.matches(labels)) {
      errors.invalid(templatePath.child("metadata").child("labels"), labels.toString(),
          "`selector` does not match template `labels`");
    }
    PodSpecs.validate(template.getSpec(), templatePath.child("spec"), errors);
  }
}
