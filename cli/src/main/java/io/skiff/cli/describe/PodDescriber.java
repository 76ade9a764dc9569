package io.skiff.cli.describe;

import io.skiff.api.v1.Container;
import io.skiff.api.v1.ContainerPort;
import io.skiff.api.v1.ContainerState;
import io.skiff.api.v1.ContainerStatus;
import io.skiff.api.v1.EnvVar;
import io.skiff.api.v1.Pod;
import io.skiff.api.v1.PodTemplateSpec;
import io.skiff.api.v1.Probe;
import io.skiff.api.v1.Toleration;
import io.skiff.cli.output.Ages;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** kubectl describe pod's layout, and the pod template block Deployments and ReplicaSets share. */
public final class PodDescriber {
  private PodDescriber() {
  }

  public static String describe(Pod pod, Lookup lookup, Instant now) {
    DescribeWriter w = new DescribeWriter();
    Sections.header(w, pod.getMetadata(), true);
    String node = pod.getSpec().getNodeName();
    w.field(0, "Node", node.isEmpty() ? "<none>"
        : pod.getStatus().getHostIp().isEmpty() ? node : node + "/" + pod.getStatus().getHostIp());
    if (pod.getStatus().hasStartTime()) {
      w.field(0, "Start Time", Ages.rfc1123(pod.getStatus().getStartTime()));
    }
    w.labels(0, "Labels", pod.getMetadata().getLabelsMap());
    w.annotations(0, "Annotations", pod.getMetadata().getAnnotationsMap());
    if (pod.getMetadata().hasDeletionTimestamp()) {
      w.field(0, "Status", "Terminating (lasts " + Ages.since(pod.getMetadata().getDeletionTimestamp(), now) + ")");
      w.field(0, "Termination Grace Period", pod.getMetadata().getDeletionGracePeriodSeconds() + "s");
    } else {
      w.field(0, "Status", pod.getStatus().getPhase().isEmpty() ? "Pending" : pod.getStatus().getPhase());
    }
    w.optional(0, "Reason", pod.getStatus().getReason());
    w.optional(0, "Message", pod.getStatus().getMessage());
    w.field(0, "IP", pod.getStatus().getPodIp());
    Sections.controller(w, pod.getMetadata());
    w.line(0, "Containers:");
    Map<String, ContainerStatus> statuses = pod.getStatus().getContainerStatusesList().stream()
        .collect(Collectors.toMap(ContainerStatus::getName, s -> s, (a, b) -> a));
    for (Container c : pod.getSpec().getContainersList()) {
      container(w, 1, c, statuses.get(c.getName()));
    }
    Sections.conditions(w, pod.getStatus().getConditionsList(), false);
    w.field(0, "QoS Class", pod.getStatus().getQosClass().isEmpty() ? "<none>" : pod.getStatus().getQosClass());
    w.labels(0, "Node-Selectors", pod.getSpec().getNodeSelectorMap());
    tolerations(w, pod.getSpec().getTolerationsList());
    Sections.events(w, lookup.events("Pod", pod.getMetadata().getNamespace(), pod.getMetadata().getName()), now);
    return w.render();
  }

  /** One container, with its status when there is one (a template's containers have none). */
  static void container(DescribeWriter w, int level, Container c, ContainerStatus status) {
    w.line(level, c.getName() + ":");
    int in = level + 1;
    if (status != null) {
      w.field(in, "Container ID", status.getContainerId());
    }
    w.field(in, "Image", c.getImage());
    if (status != null) {
      w.field(in, "Image ID", status.getImageId());
    }
    ports(w, in, c.getPortsList());
    list(w, in, "Command", c.getCommandList());
    list(w, in, "Args", c.getArgsList());
    if (status != null) {
      state(w, in, "State", status.getState());
      if (status.hasLastState() && !status.getLastState().equals(ContainerState.getDefaultInstance())) {
        state(w, in, "Last State", status.getLastState());
      }
      w.field(in, "Ready", status.getReady() ? "True" : "False");
      w.field(in, "Restart Count", status.getRestartCount());
    }
    resources(w, in, "Limits", c.getResources().getLimitsMap());
    resources(w, in, "Requests", c.getResources().getRequestsMap());
    probe(w, in, "Liveness", c.getLivenessProbe(), c.hasLivenessProbe());
    probe(w, in, "Readiness", c.getReadinessProbe(), c.hasReadinessProbe());
    probe(w, in, "Startup", c.getStartupProbe(), c.hasStartupProbe());
    if (c.getEnvCount() == 0) {
      w.field(in, "Environment", "<none>");
    } else {
      w.line(in, "Environment:");
      for (EnvVar env : c.getEnvList()) {
        w.field(in + 1, env.getName(), env.getValue());
      }
    }
  }

  /** kubectl's Pod Template block. */
  public static void template(DescribeWriter w, PodTemplateSpec template) {
    w.line(0, "Pod Template:");
    w.labels(1, "Labels", template.getMetadata().getLabelsMap());
    if (template.getMetadata().getAnnotationsCount() > 0) {
      w.annotations(1, "Annotations", template.getMetadata().getAnnotationsMap());
    }
    w.line(1, "Containers:");
    for (Container c : template.getSpec().getContainersList()) {
      container(w, 2, c, null);
    }
    if (template.getSpec().getNodeSelectorCount() > 0) {
      w.labels(1, "Node-Selectors", template.getSpec().getNodeSelectorMap());
    }
  }

  private static void ports(DescribeWriter w, int level, List<ContainerPort> ports) {
    if (ports.isEmpty()) {
      w.field(level, "Port", "<none>");
      w.field(level, "Host Port", "<none>");
      return;
    }
    String key = ports.size() == 1 ? "Port" : "Ports";
    w.field(level, key, ports.stream().map(p -> p.getContainerPort() + "/" + protocol(p))
        .collect(Collectors.joining(", ")));
    w.field(level, ports.size() == 1 ? "Host Port" : "Host Ports", ports.stream()
        .map(p -> p.getHostPort() + "/" + protocol(p)).collect(Collectors.joining(", ")));
  }

  private static String protocol(ContainerPort p) {
    return p.getProtocol().isEmpty() ? "TCP" : p.getProtocol();
  }

  private static void list(DescribeWriter w, int level, String title, List<String> items) {
    if (items.isEmpty()) {
      return;
    }
    w.line(level, title + ":");
    items.forEach(item -> w.line(level + 1, item));
  }

  private static void state(DescribeWriter w, int level, String title, ContainerState state) {
    if (state.hasRunning()) {
      w.field(level, title, "Running");
      w.field(level + 1, "Started", Ages.rfc1123(state.getRunning().getStartedAt()));
    } else if (state.hasTerminated()) {
      var t = state.getTerminated();
      w.field(level, title, "Terminated");
      w.optional(level + 1, "Reason", t.getReason());
      w.optional(level + 1, "Message", t.getMessage());
      w.field(level + 1, "Exit Code", t.getExitCode());
      if (t.getSignal() > 0) {
        w.field(level + 1, "Signal", t.getSignal());
      }
      w.field(level + 1, "Started", Ages.rfc1123(t.getStartedAt()));
      w.field(level + 1, "Finished", Ages.rfc1123(t.getFinishedAt()));
    } else {
      w.field(level, title, "Waiting");
      if (state.hasWaiting()) {
        w.optional(level + 1, "Reason", state.getWaiting().getReason());
        w.optional(level + 1, "Message", state.getWaiting().getMessage());
      }
    }
  }

  private static void resources(DescribeWriter w, int level, String title, Map<String, String> quantities) {
    if (quantities.isEmpty()) {
      return;
    }
    w.line(level, title + ":");
    new TreeMap<>(quantities).forEach((k, v) -> w.field(level + 1, k, v));
  }

  /** "http-get http://:80/healthz delay=0s timeout=1s period=10s #success=1 #failure=3". */
  private static void probe(DescribeWriter w, int level, String title, Probe p, boolean present) {
    if (!present) {
      return;
    }
    String action;
    if (p.hasHttpGet()) {
      var h = p.getHttpGet();
      String scheme = h.getScheme().isEmpty() ? "http" : h.getScheme().toLowerCase(java.util.Locale.ROOT);
      action = "http-get " + scheme + "://" + h.getHost() + ":" + h.getPort() + (h.getPath().isEmpty() ? "/" : h.getPath());
    } else if (p.hasTcpSocket()) {
      action = "tcp-socket " + p.getTcpSocket().getHost() + ":" + p.getTcpSocket().getPort();
    } else if (p.hasExec()) {
      action = "exec " + p.getExec().getCommandList();
    } else {
      action = "unknown";
    }
    w.field(level, title, action + " delay=" + p.getInitialDelaySeconds() + "s timeout=" + p.getTimeoutSeconds()
        + "s period=" + p.getPeriodSeconds() + "s #success=" + p.getSuccessThreshold() + " #failure="
        + p.getFailureThreshold());
  }

  private static void tolerations(DescribeWriter w, List<Toleration> tolerations) {
    if (tolerations.isEmpty()) {
      w.field(0, "Tolerations", "<none>");
      return;
    }
    boolean first = true;
    for (Toleration t : tolerations) {
      StringBuilder s = new StringBuilder(t.getKey());
      if (!t.getValue().isEmpty()) {
        s.append('=').append(t.getValue());
      }
      if (!t.getEffect().isEmpty()) {
        s.append(':').append(t.getEffect());
      }
      if (t.getOperator().equals("Exists") && t.getValue().isEmpty()) {
        s.append(" op=Exists");
      }
      if (t.hasTolerationSeconds()) {
        s.append(" for ").append(t.getTolerationSeconds()).append('s');
      }
      w.line(0, first ? "Tolerations:" : "", s.toString());
      first = false;
    }
  }
}
