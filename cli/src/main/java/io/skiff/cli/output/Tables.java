package io.skiff.cli.output;

import com.google.protobuf.Message;
import io.skiff.api.v1.ClusterRoleBinding;
import io.skiff.api.v1.Condition;
import io.skiff.api.v1.Container;
import io.skiff.api.v1.Deployment;
import io.skiff.api.v1.Event;
import io.skiff.api.v1.Lease;
import io.skiff.api.v1.Namespace;
import io.skiff.api.v1.Node;
import io.skiff.api.v1.NodeAddress;
import io.skiff.api.v1.ObjectMeta;
import io.skiff.api.v1.Pod;
import io.skiff.api.v1.PodTemplateSpec;
import io.skiff.api.v1.ReplicaSet;
import io.skiff.api.v1.RoleBinding;
import io.skiff.api.v1.Subject;
import io.skiff.client.ResourceType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** The columns of `get` for each kind, as kubectl shows the Kubernetes kind of the same name. */
public final class Tables {
  private Tables() {
  }

  public static List<String> headers(ResourceType<?> type, boolean wide) {
    List<String> headers = new ArrayList<>(switch (type.resource()) {
      case "pods" -> List.of("NAME", "READY", "STATUS", "RESTARTS", "AGE");
      case "nodes" -> List.of("NAME", "STATUS", "ROLES", "AGE", "VERSION");
      case "deployments" -> List.of("NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE");
      case "replicasets" -> List.of("NAME", "DESIRED", "CURRENT", "READY", "AGE");
      case "namespaces" -> List.of("NAME", "STATUS", "AGE");
      case "events" -> List.of("LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE");
      case "leases" -> List.of("NAME", "HOLDER", "AGE");
      case "rolebindings", "clusterrolebindings" -> List.of("NAME", "ROLE", "SUBJECTS", "AGE");
      default -> List.of("NAME", "AGE");
    });
    if (wide) {
      headers.addAll(switch (type.resource()) {
        case "pods" -> List.of("IP", "NODE");
        case "nodes" -> List.of("INTERNAL-IP", "EXTERNAL-IP", "OS-IMAGE", "KERNEL-VERSION", "CONTAINER-RUNTIME");
        case "deployments", "replicasets" -> List.of("CONTAINERS", "IMAGES", "SELECTOR");
        case "events" -> List.of("SOURCE", "FIRST SEEN", "COUNT", "NAME");
        default -> List.of();
      });
    }
    return headers;
  }

  /** The row of {@code object}; {@code name} is what the NAME column shows (e.g. "pod/web" when kinds are mixed). */
  public static List<String> row(Message object, String name, Instant now, boolean wide) {
    List<String> row = new ArrayList<>();
    if (object instanceof Pod pod) {
      PodSummary s = PodSummary.of(pod);
      row.addAll(List.of(name, s.ready() + "/" + s.total(), s.status(), s.restartsText(now),
          Ages.since(pod.getMetadata().getCreationTimestamp(), now)));
      if (wide) {
        row.add(orNone(pod.getStatus().getPodIp()));
        row.add(orNone(pod.getSpec().getNodeName()));
      }
    } else if (object instanceof Node node) {
      row.addAll(List.of(name, nodeStatus(node), nodeRoles(node.getMetadata()),
          Ages.since(node.getMetadata().getCreationTimestamp(), now),
          orNone(node.getStatus().getNodeInfo().getKubeletVersion())));
      if (wide) {
        row.add(address(node, "InternalIP"));
        row.add(address(node, "ExternalIP"));
        row.add(unknown(node.getStatus().getNodeInfo().getOsImage()));
        row.add(unknown(node.getStatus().getNodeInfo().getKernelVersion()));
        row.add(unknown(node.getStatus().getNodeInfo().getContainerRuntimeVersion()));
      }
    } else if (object instanceof Deployment d) {
      int desired = d.getSpec().hasReplicas() ? d.getSpec().getReplicas() : 1;
      row.addAll(List.of(name, d.getStatus().getReadyReplicas() + "/" + desired,
          Integer.toString(d.getStatus().getUpdatedReplicas()), Integer.toString(d.getStatus().getAvailableReplicas()),
          Ages.since(d.getMetadata().getCreationTimestamp(), now)));
      if (wide) {
        row.addAll(templateColumns(d.getSpec().getTemplate()));
        row.add(Selectors.text(d.getSpec().getSelector()));
      }
    } else if (object instanceof ReplicaSet rs) {
      int desired = rs.getSpec().hasReplicas() ? rs.getSpec().getReplicas() : 1;
      row.addAll(List.of(name, Integer.toString(desired), Integer.toString(rs.getStatus().getReplicas()),
          Integer.toString(rs.getStatus().getReadyReplicas()), Ages.since(rs.getMetadata().getCreationTimestamp(), now)));
      if (wide) {
        row.addAll(templateColumns(rs.getSpec().getTemplate()));
        row.add(Selectors.text(rs.getSpec().getSelector()));
      }
    } else if (object instanceof Namespace ns) {
      row.addAll(List.of(name, ns.getStatus().getPhase().isEmpty() ? "Active" : ns.getStatus().getPhase(),
          Ages.since(ns.getMetadata().getCreationTimestamp(), now)));
    } else if (object instanceof Event e) {
      row.addAll(List.of(Ages.since(lastSeen(e), now), e.getType(), e.getReason(),
          e.getInvolvedObject().getKind().toLowerCase(java.util.Locale.ROOT) + "/" + e.getInvolvedObject().getName(),
          e.getMessage().replace('\n', ' ')));
      if (wide) {
        row.add(orNone(e.getSource().getComponent()));
        row.add(Ages.since(e.hasFirstTimestamp() ? e.getFirstTimestamp() : e.getMetadata().getCreationTimestamp(), now));
        row.add(Integer.toString(e.getCount()));
        row.add(name);
      }
    } else if (object instanceof Lease lease) {
      row.addAll(List.of(name, lease.getSpec().getHolderIdentity(),
          Ages.since(lease.getMetadata().getCreationTimestamp(), now)));
    } else if (object instanceof RoleBinding binding) {
      row.addAll(List.of(name, binding.getRole(), subjects(binding.getSubjectsList()),
          Ages.since(binding.getMetadata().getCreationTimestamp(), now)));
    } else if (object instanceof ClusterRoleBinding binding) {
      row.addAll(List.of(name, binding.getRole(), subjects(binding.getSubjectsList()),
          Ages.since(binding.getMetadata().getCreationTimestamp(), now)));
    } else {
      ObjectMeta meta = (ObjectMeta) object.getField(object.getDescriptorForType().findFieldByName("metadata"));
      row.addAll(List.of(name, Ages.since(meta.getCreationTimestamp(), now)));
    }
    return row;
  }

  /** "User/bob,Group/dev", as kubectl's wide binding columns name them. */
  private static String subjects(List<Subject> subjects) {
    return subjects.isEmpty() ? "<none>"
        : subjects.stream().map(s -> s.getKind() + "/" + s.getName()).collect(Collectors.joining(","));
  }

  /** When an event was last seen: its last timestamp, else its first, else its creation. */
  public static com.google.protobuf.Timestamp lastSeen(Event e) {
    if (e.hasLastTimestamp()) {
      return e.getLastTimestamp();
    }
    return e.hasFirstTimestamp() ? e.getFirstTimestamp() : e.getMetadata().getCreationTimestamp();
  }

  /** Ready, NotReady or Unknown, and SchedulingDisabled when cordoned. */
  public static String nodeStatus(Node node) {
    String status = "Unknown";
    for (Condition condition : node.getStatus().getConditionsList()) {
      if (condition.getType().equals("Ready")) {
        status = switch (condition.getStatus()) {
          case "True" -> "Ready";
          case "False" -> "NotReady";
          default -> "Unknown";
        };
      }
    }
    return node.getSpec().getUnschedulable() ? status + ",SchedulingDisabled" : status;
  }

  /** From node-role.kubernetes.io/ROLE labels; "<none>" without. */
  public static String nodeRoles(ObjectMeta meta) {
    String roles = meta.getLabelsMap().keySet().stream()
        .filter(k -> k.startsWith("node-role.kubernetes.io/"))
        .map(k -> k.substring("node-role.kubernetes.io/".length())).sorted().collect(Collectors.joining(","));
    return roles.isEmpty() ? "<none>" : roles;
  }

  private static String address(Node node, String type) {
    return node.getStatus().getAddressesList().stream().filter(a -> a.getType().equals(type))
        .map(NodeAddress::getAddress).findFirst().orElse("<none>");
  }

  private static List<String> templateColumns(PodTemplateSpec template) {
    List<Container> containers = template.getSpec().getContainersList();
    return List.of(containers.stream().map(Container::getName).collect(Collectors.joining(",")),
        containers.stream().map(Container::getImage).collect(Collectors.joining(",")));
  }

  private static String orNone(String s) {
    return s.isEmpty() ? "<none>" : s;
  }

  private static String unknown(String s) {
    return s.isEmpty() ? "<unknown>" : s;
  }
}
