package io.skiff.cli.describe;

import com.google.protobuf.Message;
import io.skiff.api.v1.Condition;
import io.skiff.api.v1.Namespace;
import io.skiff.api.v1.Node;
import io.skiff.api.v1.NodeAddress;
import io.skiff.api.v1.ObjectMeta;
import io.skiff.api.v1.Pod;
import io.skiff.api.v1.Taint;
import io.skiff.cli.manifest.ProtoEncoder;
import io.skiff.cli.manifest.Yamls;
import io.skiff.cli.output.Ages;
import io.skiff.cli.output.Tables;
import io.skiff.client.ResourceType;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** kubectl describe node and namespace, and a plain layout for the other kinds. */
public final class ClusterDescriber {
  private ClusterDescriber() {
  }

  public static String node(Node node, Lookup lookup, Instant now) {
    DescribeWriter w = new DescribeWriter();
    ObjectMeta meta = node.getMetadata();
    w.field(0, "Name", meta.getName());
    w.field(0, "Roles", Tables.nodeRoles(meta));
    w.labels(0, "Labels", meta.getLabelsMap());
    w.annotations(0, "Annotations", meta.getAnnotationsMap());
    w.field(0, "CreationTimestamp", Ages.rfc1123(meta.getCreationTimestamp()));
    List<Taint> taints = node.getSpec().getTaintsList();
    if (taints.isEmpty()) {
      w.field(0, "Taints", "<none>");
    } else {
      for (int i = 0; i < taints.size(); i++) {
        Taint t = taints.get(i);
        w.line(0, i == 0 ? "Taints:" : "", t.getKey() + (t.getValue().isEmpty() ? "" : "=" + t.getValue()) + ":"
            + t.getEffect());
      }
    }
    w.field(0, "Unschedulable", node.getSpec().getUnschedulable());
    List<Condition> conditions = node.getStatus().getConditionsList();
    if (!conditions.isEmpty()) {
      w.line(0, "Conditions:");
      w.line(1, "Type", "Status", "LastHeartbeatTime", "LastTransitionTime", "Reason", "Message");
      w.line(1, "----", "------", "-----------------", "------------------", "------", "-------");
      for (Condition c : conditions) {
        w.line(1, c.getType(), c.getStatus(), Ages.rfc1123(c.getLastHeartbeatTime()),
            Ages.rfc1123(c.getLastTransitionTime()), c.getReason(), c.getMessage());
      }
    }
    if (node.getStatus().getAddressesCount() > 0) {
      w.line(0, "Addresses:");
      for (NodeAddress a : node.getStatus().getAddressesList()) {
        w.field(1, a.getType(), a.getAddress());
      }
    }
    quantities(w, "Capacity", node.getStatus().getCapacityMap());
    quantities(w, "Allocatable", node.getStatus().getAllocatableMap());
    var info = node.getStatus().getNodeInfo();
    w.line(0, "System Info:");
    w.field(1, "Machine ID", info.getMachineId());
    w.field(1, "System UUID", info.getSystemUuid());
    w.field(1, "Boot ID", info.getBootId());
    w.field(1, "Kernel Version", info.getKernelVersion());
    w.field(1, "OS Image", info.getOsImage());
    w.field(1, "Operating System", info.getOperatingSystem());
    w.field(1, "Architecture", info.getArchitecture());
    w.field(1, "Container Runtime Version", info.getContainerRuntimeVersion());
    w.field(1, "Kubelet Version", info.getKubeletVersion());
    w.optional(0, "PodCIDR", node.getSpec().getPodCidr());
    w.optional(0, "ProviderID", node.getSpec().getProviderId());
    List<Pod> pods = lookup.pods("", "", "spec.nodeName=" + meta.getName()).stream()
        .filter(p -> !p.getStatus().getPhase().equals("Succeeded") && !p.getStatus().getPhase().equals("Failed"))
        .toList();
    w.field(0, "Non-terminated Pods", "(" + pods.size() + " in total)");
    if (!pods.isEmpty()) {
      w.line(1, "Namespace", "Name", "CPU Requests", "Memory Requests", "Age");
      w.line(1, "---------", "----", "------------", "---------------", "---");
      for (Pod p : pods) {
        w.line(1, p.getMetadata().getNamespace(), p.getMetadata().getName(), requests(p, "cpu"),
            requests(p, "memory"), Ages.since(p.getMetadata().getCreationTimestamp(), now));
      }
    }
    Sections.events(w, lookup.events("Node", "", meta.getName()), now);
    return w.render();
  }

  private static String requests(Pod pod, String resource) {
    List<String> values = pod.getSpec().getContainersList().stream()
        .map(c -> c.getResources().getRequestsOrDefault(resource, "")).filter(v -> !v.isEmpty()).toList();
    return values.isEmpty() ? "0" : String.join("+", values);
  }

  private static void quantities(DescribeWriter w, String title, Map<String, String> quantities) {
    if (quantities.isEmpty()) {
      return;
    }
    w.line(0, title + ":");
    new TreeMap<>(quantities).forEach((k, v) -> w.field(1, k, v));
  }

  public static String namespace(Namespace ns, Lookup lookup, Instant now) {
    DescribeWriter w = new DescribeWriter();
    w.field(0, "Name", ns.getMetadata().getName());
    w.labels(0, "Labels", ns.getMetadata().getLabelsMap());
    w.annotations(0, "Annotations", ns.getMetadata().getAnnotationsMap());
    w.field(0, "Status", ns.getStatus().getPhase().isEmpty() ? "Active" : ns.getStatus().getPhase());
    Sections.events(w, lookup.events("Namespace", "", ns.getMetadata().getName()), now);
    return w.render();
  }

  /** Kinds without a layout of their own: the metadata kubectl always shows, then the rest as YAML. */
  public static String generic(ResourceType<?> type, Message object, Lookup lookup, Instant now) {
    DescribeWriter w = new DescribeWriter();
    ObjectMeta meta = (ObjectMeta) object.getField(object.getDescriptorForType().findFieldByName("metadata"));
    Sections.header(w, meta, type.namespaced());
    w.labels(0, "Labels", meta.getLabelsMap());
    w.annotations(0, "Annotations", meta.getAnnotationsMap());
    w.field(0, "CreationTimestamp", Ages.rfc1123(meta.getCreationTimestamp()));
    Map<String, Object> tree = ProtoEncoder.encode(object);
    tree.remove("apiVersion");
    tree.remove("kind");
    tree.remove("metadata");
    StringBuilder text = new StringBuilder(w.render());
    if (!tree.isEmpty()) {
      text.append(Yamls.dump(tree));
    }
    DescribeWriter events = new DescribeWriter();
    Sections.events(events, lookup.events(type.kind(), meta.getNamespace(), meta.getName()), now);
    return text.append(events.render()).toString();
  }
}
