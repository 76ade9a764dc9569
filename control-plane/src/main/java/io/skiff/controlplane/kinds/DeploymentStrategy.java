package io.skiff.controlplane.kinds;

import io.skiff.api.v1.Deployment;
import io.skiff.api.v1.DeploymentSpec;
import io.skiff.api.v1.DeploymentStatus;
import io.skiff.api.v1.RollingUpdateDeployment;
import io.skiff.controlplane.registry.Strategy;
import io.skiff.controlplane.validation.FieldErrors;
import io.skiff.controlplane.validation.FieldPath;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Deployments, with apps/v1's defaults: one replica, RollingUpdate with 25%
 * surge and 25% unavailable, ten old ReplicaSets kept, a 600 s progress deadline.
 */
final class DeploymentStrategy implements Strategy<Deployment> {
  private static final List<String> TYPES = List.of("RollingUpdate", "Recreate");
  private static final Pattern INT_OR_PERCENT = Pattern.compile("(0|[1-9][0-9]{0,8})%?");

  @Override
  public Deployment prepareForCreate(Deployment deployment) {
    return deployment.toBuilder().setStatus(DeploymentStatus.getDefaultInstance()).build();
  }

  @Override
  public Deployment defaults(Deployment deployment) {
    DeploymentSpec.Builder spec = deployment.getSpec().toBuilder();
    if (!spec.hasReplicas()) {
      spec.setReplicas(1);
    }
    if (!spec.hasRevisionHistoryLimit()) {
      spec.setRevisionHistoryLimit(10);
    }
    if (!spec.hasProgressDeadlineSeconds()) {
      spec.setProgressDeadlineSeconds(600);
    }
    io.skiff.api.v1.DeploymentStrategy.Builder strategy = spec.getStrategy().toBuilder();
    if (strategy.getType().isEmpty()) {
      strategy.setType("RollingUpdate");
    }
    if (strategy.getType().equals("RollingUpdate")) {
      RollingUpdateDeployment.Builder rolling = strategy.getRollingUpdate().toBuilder();
      if (rolling.getMaxSurge().isEmpty()) {
        rolling.setMaxSurge("25%");
      }
      if (rolling.getMaxUnavailable().isEmpty()) {
        rolling.setMaxUnavailable("25%");
      }
      strategy.setRollingUpdate(rolling);
    }
    spec.setStrategy(strategy);
    spec.setTemplate(WorkloadSpecs.defaults(spec.getTemplate()));
    return deployment.toBuilder().setSpec(spec).build();
  }

  @Override
  public void validate(Deployment deployment, FieldErrors errors) {
    DeploymentSpec spec = deployment.getSpec();
    FieldPath path = FieldPath.root("spec");
    WorkloadSpecs.validate(spec.getReplicas(), spec.getSelector(), spec.getTemplate(), path, errors);
    if (!spec.getTemplate().getSpec().getRestartPolicy().equals("Always")) {
      errors.notSupported(path.child("template").child("spec").child("restartPolicy"),
          spec.getTemplate().getSpec().getRestartPolicy(), List.of("Always"));
    }
    io.skiff.api.v1.DeploymentStrategy strategy = spec.getStrategy();
    FieldPath strategyPath = path.child("strategy");
    PodSpecs.checkOneOf(strategy.getType(), TYPES, strategyPath.child("type"), errors);
    if (strategy.getType().equals("Recreate") && strategy.hasRollingUpdate()) {
      errors.forbidden(strategyPath.child("rollingUpdate"), "may not be specified when strategy `type` is 'Recreate'");
    }
    if (strategy.getType().equals("RollingUpdate")) {
      FieldPath rolling = strategyPath.child("rollingUpdate");
      String surge = strategy.getRollingUpdate().getMaxSurge();
      String unavailable = strategy.getRollingUpdate().getMaxUnavailable();
      checkIntOrPercent(surge, rolling.child("maxSurge"), errors);
      checkIntOrPercent(unavailable, rolling.child("maxUnavailable"), errors);
      if (unavailable.endsWith("%") && INT_OR_PERCENT.matcher(unavailable).matches()
          && Integer.parseInt(unavailable.substring(0, unavailable.length() - 1)) > 100) {
        errors.invalid(rolling.child("maxUnavailable"), unavailable, "must not be greater than 100%");
      }
      if (isZero(surge) && isZero(unavailable)) {
        errors.invalid(rolling.child("maxUnavailable"), unavailable, "may not be 0 when `maxSurge` is 0");
      }
    }
    checkNonNegative(spec.getMinReadySeconds(), path.child("minReadySeconds"), errors);
    checkNonNegative(spec.getRevisionHistoryLimit(), path.child("revisionHistoryLimit"), errors);
    if (spec.getProgressDeadlineSeconds() <= spec.getMinReadySeconds()) {
      errors.invalid(path.child("progressDeadlineSeconds"), spec.getProgressDeadlineSeconds(),
          "must be greater than minReadySeconds");
    }
  }

  @Override
  public void validateUpdate(Deployment deployment, Deployment old, FieldErrors errors) {
    if (!deployment.getSpec().getSelector().equals(old.getSpec().getSelector())) {
      errors.invalid(FieldPath.root("spec").child("selector"), "", "field is immutable");
    }
  }

  private static void checkIntOrPercent(String value, FieldPath path, FieldErrors errors) {
    if (!INT_OR_PERCENT.matcher(value).matches()) {
      errors.invalid(path, value, "must be a non-negative integer or a percentage (e.g. 1 or 25%)");
    }
  }

  private static boolean isZero(String value) {
    return value.equals("0") || value.equals("0%");
  }

  private static void checkNonNegative(int value, FieldPath path, FieldErrors errors) {
    if (value < 0) {
      errors.invalid(path, value, "must be greater than or equal to 0");
    }
  }
}
