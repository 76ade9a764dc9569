package io.skiff.controlplane.kinds;

import io.skiff.api.v1.Container;
import io.skiff.api.v1.ContainerPort;
import io.skiff.api.v1.EnvVar;
import io.skiff.api.v1.HTTPGetAction;
import io.skiff.api.v1.PodSpec;
import io.skiff.api.v1.Probe;
import io.skiff.api.v1.Toleration;
import io.skiff.client.Quantity;
import io.skiff.controlplane.validation.FieldErrors;
import io.skiff.controlplane.validation.FieldPath;
import io.skiff.controlplane.validation.Names;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Defaults and validation of a pod spec, shared by Pods and the templates of ReplicaSets and Deployments. */
final class PodSpecs {
  static final List<String> RESTART_POLICIES = List.of("Always", "OnFailure", "Never");
  static final List<String> PULL_POLICIES = List.of("Always", "IfNotPresent", "Never");
  static final List<String> PROTOCOLS = List.of("TCP", "UDP", "SCTP");
  static final List<String> RESOURCES = List.of("cpu", "memory", "ephemeral-storage");
  static final List<String> TOLERATION_OPERATORS = List.of("Equal", "Exists");
  static final List<String> TAINT_EFFECTS = List.of("NoSchedule", "PreferNoSchedule", "NoExecute");
  static final long DEFAULT_GRACE_SECONDS = 30;

  private PodSpecs() {
  }

  static PodSpec defaults(PodSpec spec) {
    PodSpec.Builder out = spec.toBuilder();
    if (spec.getRestartPolicy().isEmpty()) {
      out.setRestartPolicy("Always");
    }
    if (!spec.hasTerminationGracePeriodSeconds()) {
      out.setTerminationGracePeriodSeconds(DEFAULT_GRACE_SECONDS);
    }
    if (spec.getSchedulerName().isEmpty()) {
      out.setSchedulerName("default-scheduler");
    }
    for (int i = 0; i < spec.getContainersCount(); i++) {
      out.setContainers(i, defaults(spec.getContainers(i)));
    }
    for (int i = 0; i < spec.getTolerationsCount(); i++) {
      if (spec.getTolerations(i).getOperator().isEmpty()) {
        out.setTolerations(i, spec.getTolerations(i).toBuilder().setOperator("Equal"));
      }
    }
    return out.build();
  }

  private static Container defaults(Container container) {
    Container.Builder out = container.toBuilder();
    if (container.getImagePullPolicy().isEmpty()) {
      out.setImagePullPolicy(tagOf(container.getImage()).equals("latest") ? "Always" : "IfNotPresent");
    }
    for (int i = 0; i < container.getPortsCount(); i++) {
      if (container.getPorts(i).getProtocol().isEmpty()) {
        out.setPorts(i, container.getPorts(i).toBuilder().setProtocol("TCP"));
      }
    }
    if (container.hasLivenessProbe()) {
      out.setLivenessProbe(defaults(container.getLivenessProbe()));
    }
    if (container.hasReadinessProbe()) {
      out.setReadinessProbe(defaults(container.getReadinessProbe()));
    }
    if (container.hasStartupProbe()) {
      out.setStartupProbe(defaults(container.getStartupProbe()));
    }
    return out.build();
  }

  /** "latest" when the image names no tag (and no digest), as Kubernetes reads it. */
  private static String tagOf(String image) {
    if (image.contains("@")) {
      return "";
    }
    int slash = image.lastIndexOf('/');
    int colon = image.lastIndexOf(':');
    return colon > slash ? image.substring(colon + 1) : "latest";
  }

  private static Probe defaults(Probe probe) {
    Probe.Builder out = probe.toBuilder();
    if (probe.getTimeoutSeconds() == 0) {
      out.setTimeoutSeconds(1);
    }
    if (probe.getPeriodSeconds() == 0) {
      out.setPeriodSeconds(10);
    }
    if (probe.getSuccessThreshold() == 0) {
      out.setSuccessThreshold(1);
    }
    if (probe.getFailureThreshold() == 0) {
      out.setFailureThreshold(3);
    }
    if (probe.hasHttpGet()) {
      HTTPGetAction.Builder http = probe.getHttpGet().toBuilder();
      if (http.getPath().isEmpty()) {
        http.setPath("/");
      }
      if (http.getScheme().isEmpty()) {
        http.setScheme("HTTP");
      }
      out.setHttpGet(http);
    }
    return out.build();
  }

  static void validate(PodSpec spec, FieldPath path, FieldErrors errors) {
    if (spec.getContainersCount() == 0) {
      errors.required(path.child("containers"));
    }
    Set<String> names = new HashSet<>();
    for (int i = 0; i < spec.getContainersCount(); i++) {
      Container container = spec.getContainers(i);
      FieldPath at = path.child("containers").index(i);
      validate(container, at, errors);
      if (!container.getName().isEmpty() && !names.add(container.getName())) {
        errors.duplicate(at.child("name"), container.getName());
      }
    }
    checkOneOf(spec.getRestartPolicy(), RESTART_POLICIES, path.child("restartPolicy"), errors);
    if (!spec.getNodeName().isEmpty()) {
      for (String problem : Names.dns1123Subdomain(spec.getNodeName())) {
        errors.invalid(path.child("nodeName"), spec.getNodeName(), problem);
      }
    }
    for (Map.Entry<String, String> selector : spec.getNodeSelectorMap().entrySet()) {
      for (String problem : Names.labelKey(selector.getKey())) {
        errors.invalid(path.child("nodeSelector"), selector.getKey(), problem);
      }
      for (String problem : Names.labelValue(selector.getValue())) {
        errors.invalid(path.child("nodeSelector").key(selector.getKey()), selector.getValue(), problem);
      }
    }
    for (int i = 0; i < spec.getTolerationsCount(); i++) {
      validate(spec.getTolerations(i), path.child("tolerations").index(i), errors);
    }
    if (spec.getTerminationGracePeriodSeconds() < 0) {
      errors.invalid(path.child("terminationGracePeriodSeconds"), spec.getTerminationGracePeriodSeconds(),
          "must be greater than or equal to 0");
    }
    if (spec.hasActiveDeadlineSeconds() && spec.getActiveDeadlineSeconds() <= 0) {
      errors.invalid(path.child("activeDeadlineSeconds"), spec.getActiveDeadlineSeconds(), "must be greater than 0");
    }
    if (!spec.getHostname().isEmpty()) {
      for (String problem : Names.dns1123Label(spec.getHostname())) {
        errors.invalid(path.child("hostname"), spec.getHostname(), problem);
      }
    }
  }

  private static void validate(Container container, FieldPath path, FieldErrors errors) {
    if (container.getName().isEmpty()) {
      errors.required(path.child("name"));
    } else {
      for (String problem : Names.dns1123Label(container.getName())) {
        errors.invalid(path.child("name"), container.getName(), problem);
      }
    }
    if (container.getImage().isBlank()) {
      errors.required(path.child("image"));
    }
    checkOneOf(container.getImagePullPolicy(), PULL_POLICIES, path.child("imagePullPolicy"), errors);
    for (int i = 0; i < container.getEnvCount(); i++) {
      EnvVar env = container.getEnv(i);
      FieldPath at = path.child("env").index(i).child("name");
      if (env.getName().isEmpty()) {
        errors.required(at);
      }
      for (String problem : Names.envVarName(env.getName())) {
        errors.invalid(at, env.getName(), problem);
      }
    }
    Set<String> portNames = new HashSet<>();
    for (int i = 0; i < container.getPortsCount(); i++) {
      validate(container.getPorts(i), path.child("ports").index(i), portNames, errors);
    }
    validateQuantities(container.getResources().getLimitsMap(), path.child("resources").child("limits"), errors);
    validateQuantities(container.getResources().getRequestsMap(), path.child("resources").child("requests"), errors);
    for (Map.Entry<String, String> request : container.getResources().getRequestsMap().entrySet()) {
      String limit = container.getResources().getLimitsMap().get(request.getKey());
      if (limit != null && parses(limit) && parses(request.getValue())
          && Quantity.parse(request.getValue()).compareTo(Quantity.parse(limit)) > 0) {
        errors.invalid(path.child("resources").child("requests").key(request.getKey()), request.getValue(),
            "must be less than or equal to " + request.getKey() + " limit of " + limit);
      }
    }
    validate(container.getLivenessProbe(), container.hasLivenessProbe(), true, path.child("livenessProbe"), errors);
    validate(container.getReadinessProbe(), container.hasReadinessProbe(), false, path.child("readinessProbe"), errors);
    validate(container.getStartupProbe(), container.hasStartupProbe(), true, path.child("startupProbe"), errors);
  }

  private static void validate(ContainerPort port, FieldPath path, Set<String> names, FieldErrors errors) {
    checkPort(port.getContainerPort(), path.child("containerPort"), false, errors);
    checkPort(port.getHostPort(), path.child("hostPort"), true, errors);
    checkOneOf(port.getProtocol(), PROTOCOLS, path.child("protocol"), errors);
    if (!port.getName().isEmpty()) {
      for (String problem : Names.portName(port.getName())) {
        errors.invalid(path.child("name"), port.getName(), problem);
      }
      if (!names.add(port.getName())) {
        errors.duplicate(path.child("name"), port.getName());
      }
    }
  }

  private static void validateQuantities(Map<String, String> quantities, FieldPath path, FieldErrors errors) {
    for (Map.Entry<String, String> entry : quantities.entrySet()) {
      FieldPath at = path.key(entry.getKey());
      if (!RESOURCES.contains(entry.getKey())) {
        errors.notSupported(path, entry.getKey(), RESOURCES);
        continue;
      }
      try {
        if (Quantity.parse(entry.getValue()).isNegative()) {
          errors.invalid(at, entry.getValue(), "must be greater than or equal to 0");
        }
      } catch (IllegalArgumentException e) {
        errors.invalid(at, entry.getValue(), e.getMessage());
      }
    }
  }

  private static boolean parses(String quantity) {
    try {
      Quantity.parse(quantity);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static void validate(Probe probe, boolean present, boolean singleSuccess, FieldPath path, FieldErrors errors) {
    if (!present) {
      return;
    }
    int handlers = (probe.hasExec() ? 1 : 0) + (probe.hasHttpGet() ? 1 : 0) + (probe.hasTcpSocket() ? 1 : 0);
    if (handlers == 0) {
      errors.required(path, "must specify a handler type (exec, httpGet or tcpSocket)");
    } else if (handlers > 1) {
      errors.forbidden(path, "may not specify more than 1 handler type");
    }
    if (probe.hasExec() && probe.getExec().getCommandCount() == 0) {
      errors.required(path.child("exec").child("command"));
    }
    if (probe.hasHttpGet()) {
      checkPort(probe.getHttpGet().getPort(), path.child("httpGet").child("port"), false, errors);
      checkOneOf(probe.getHttpGet().getScheme(), List.of("HTTP", "HTTPS"), path.child("httpGet").child("scheme"), errors);
    }
    if (probe.hasTcpSocket()) {
      checkPort(probe.getTcpSocket().getPort(), path.child("tcpSocket").child("port"), false, errors);
    }
    nonNegative(probe.getInitialDelaySeconds(), path.child("initialDelaySeconds"), errors);
    positive(probe.getTimeoutSeconds(), path.child("timeoutSeconds"), errors);
    positive(probe.getPeriodSeconds(), path.child("periodSeconds"), errors);
    positive(probe.getSuccessThreshold(), path.child("successThreshold"), errors);
    positive(probe.getFailureThreshold(), path.child("failureThreshold"), errors);
    if (singleSuccess && probe.getSuccessThreshold() > 1) {
      errors.invalid(path.child("successThreshold"), probe.getSuccessThreshold(), "must be 1");
    }
  }

  private static void validate(Toleration toleration, FieldPath path, FieldErrors errors) {
    if (!toleration.getKey().isEmpty()) {
      for (String problem : Names.labelKey(toleration.getKey())) {
        errors.invalid(path.child("key"), toleration.getKey(), problem);
      }
    }
    checkOneOf(toleration.getOperator(), TOLERATION_OPERATORS, path.child("operator"), errors);
    if (toleration.getOperator().equals("Exists") && !toleration.getValue().isEmpty()) {
      errors.invalid(path.child("operator"), toleration.getValue(), "value must be empty when `operator` is 'Exists'");
    }
    if (toleration.getKey().isEmpty() && !toleration.getOperator().equals("Exists")) {
      errors.invalid(path.child("operator"), toleration.getOperator(), "operator must be Exists when `key` is empty, which means \"match all values and all keys\"");
    }
    if (!toleration.getEffect().isEmpty()) {
      checkOneOf(toleration.getEffect(), TAINT_EFFECTS, path.child("effect"), errors);
    }
    if (toleration.hasTolerationSeconds() && !toleration.getEffect().equals("NoExecute")) {
      errors.invalid(path.child("effect"), toleration.getEffect(), "effect must be 'NoExecute' when `tolerationSeconds` is set");
    }
  }

  static void checkOneOf(String value, List<String> allowed, FieldPath path, FieldErrors errors) {
    if (!allowed.contains(value)) {
      errors.notSupported(path, value, allowed);
    }
  }

  private static void checkPort(int port, FieldPath path, boolean zeroAllowed, FieldErrors errors) {
    if ((port == 0 && !zeroAllowed) || port < 0 || port > 65535) {
      errors.invalid(path, port, "must be between 1 and 65535, inclusive");
    }
  }

  private static void nonNegative(int value, FieldPath path, FieldErrors errors) {
    if (value < 0) {
      errors.invalid(path, value, "must be greater than or equal to 0");
    }
  }

  private static void positive(int value, FieldPath path, FieldErrors errors) {
    if (value <= 0) {
      errors.invalid(path, value, "must be greater than 0");
    }
  }
}
