package io.skiff.controlplane.controllers.node;

import com.google.protobuf.Timestamp;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.skiff.api.v1.Condition;
import io.skiff.api.v1.DeleteRequest;
import io.skiff.api.v1.Lease;
import io.skiff.api.v1.Node;
import io.skiff.api.v1.Pod;
import io.skiff.api.v1.PodStatus;
import io.skiff.api.v1.Preconditions;
import io.skiff.api.v1.Taint;
import io.skiff.client.ResourceTypes;
import io.skiff.client.cache.Informer;
import io.skiff.client.events.EventRecorder;
import io.skiff.controlplane.controllers.Controller;
import io.skiff.controlplane.controllers.ControllerContext;
import io.skiff.controlplane.controllers.ReconcileLoop;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches that nodes are alive, after Kubernetes' node lifecycle controller
 * with taint-based eviction. A node's agent renews its Lease (in skiff-system,
 * named after the node); when no renewal has been seen for the grace period —
 * measured on this master's monotonic clock from when it saw the last one, so
 * clocks need not agree, and starting afresh each term — the node's Ready
 * condition becomes Unknown, its pods' Ready False, and it gets the NoExecute
 * taint {@code node.kubernetes.io/unreachable}; an agent that reports
 * Ready=False gets {@code node.kubernetes.io/not-ready}. Pods on a node with
 * such a taint are deleted when {@link NoExecuteEvictions} says so, and their
 * ReplicaSets replace them elsewhere. Deleted pods that cannot stop because
 * their node is gone or unreachable are removed once their grace period ends.
 */
public final class NodeLifecycleController implements Controller {
  private static final Logger log = LoggerFactory.getLogger(NodeLifecycleController.class);
  static final String UNREACHABLE = "node.kubernetes.io/unreachable";
  static final String NOT_READY = "node.kubernetes.io/not-ready";
  private static final String LEASE_NAMESPACE = "skiff-system";

  private final ControllerContext ctx;
  private final ReconcileLoop loop;
  /** Node name → when (System.nanoTime) this term last saw its agent alive. */
  private final Map<String, Long> lastSeen = new ConcurrentHashMap<>();
  private final long started = System.nanoTime();

  public NodeLifecycleController(ControllerContext ctx) {
    this.ctx = ctx;
    this.loop = new ReconcileLoop("node-lifecycle", 2, this::reconcile);
  }

  @Override
  public String name() {
    return "node-lifecycle";
  }

  @Override
  public void start() {
    ctx.nodes().addHandler(new Informer.Handler<>() {
      @Override
      public void onAdd(Node node) {
        lastSeen.putIfAbsent(node.getMetadata().getName(), System.nanoTime());  // a new node gets a full grace period
        loop.add(node.getMetadata().getName());
      }

      @Override
      public void onUpdate(Node old, Node node) {
        if (!heartbeat(old).equals(heartbeat(node))) {
          seen(node.getMetadata().getName());
        }
        loop.add(node.getMetadata().getName());
      }

      @Override
      public void onDelete(Node node) {
        lastSeen.remove(node.getMetadata().getName());
        loop.add(node.getMetadata().getName());
      }
    });
    ctx.leases().addHandler(new Informer.Handler<>() {
      @Override
      public void onUpdate(Lease old, Lease lease) {
        if (lease.getMetadata().getNamespace().equals(LEASE_NAMESPACE)
            && !old.getSpec().getRenewTime().equals(lease.getSpec().getRenewTime())) {
          seen(lease.getMetadata().getName());
        }
      }
    });
    ctx.pods().addHandler(Informer.Handler.anyChange(this::onPod));
    ctx.nodes().list().forEach(n -> loop.add(n.getMetadata().getName()));
    loop.start();
  }

  private void seen(String node) {
    boolean wasSilent = lastSeen.put(node, System.nanoTime()) == null;
    if (wasSilent || ctx.nodes().get("", node).map(n -> !ready(n).equals("True")).orElse(false)) {
      loop.add(node);
    }
  }

  /** A pod bound to a node that needs attention (tainted, or gone) is the node's business. */
  private void onPod(Pod pod) {
    String node = pod.getSpec().getNodeName();
    if (!node.isEmpty()) {
      Optional<Node> bound = ctx.nodes().get("", node);
      if (bound.isEmpty() || bound.get().getSpec().getTaintsCount() > 0) {
        loop.add(node);
      }
    }
  }

  /** One node: its Ready condition, its taints, its pods. Returns when to look again. */
  private Duration reconcile(String name) {
    Optional<Node> found = ctx.nodes().get("", name);
    if (found.isEmpty()) {
      return removePodsOfMissingNode(name);
    }
    Node node = found.get();
    Duration grace = ctx.settings().nodeMonitorGracePeriod();
    long silentNanos = System.nanoTime() - lastSeen.getOrDefault(name, started);
    Duration recheck = grace.minusNanos(silentNanos);
    if (recheck.isNegative() || recheck.isZero()) {
      node = markUnknown(node, Duration.ofNanos(silentNanos));
      recheck = grace;
    }
    node = updateTaints(node);
    Duration evictions = evictPods(node);
    return evictions != null && evictions.compareTo(recheck) < 0 ? evictions : recheck;
  }

  private Node markUnknown(Node node, Duration silent) {
    if (ready(node).equals("Unknown")) {
      return node;
    }
    Timestamp now = now();
    List<Condition> conditions = new ArrayList<>();
    boolean hadReady = false;
    for (Condition condition : node.getStatus().getConditionsList()) {
      if (condition.getType().equals("Ready")) {
        hadReady = true;
      }
      conditions.add(condition.toBuilder().setStatus("Unknown").setReason("NodeStatusUnknown")
          .setMessage("Skiff agent stopped posting node status.").setLastTransitionTime(now).build());
    }
    if (!hadReady) {
      conditions.add(Condition.newBuilder().setType("Ready").setStatus("Unknown").setReason("NodeStatusNeverUpdated")
          .setMessage("Skiff agent never posted node status.").setLastTransitionTime(now).build());
    }
    Node updated = ctx.nodeClient().updateStatus(node.toBuilder()
        .setStatus(node.getStatus().toBuilder().clearConditions().addAllConditions(conditions)).build());
    log.warn("node {} is not ready: no heartbeat for {} s", node.getMetadata().getName(), silent.toSeconds());
    ctx.events().normal(reference(node), "NodeNotReady", "Node " + node.getMetadata().getName()
        + " status is now: NodeNotReady");
    markPodsNotReady(node.getMetadata().getName());
    return updated;
  }

  private void markPodsNotReady(String node) {
    for (Pod pod : ctx.pods().byIndex(ControllerContext.BY_NODE, node)) {
      List<Condition> conditions = new ArrayList<>();
      boolean changed = false;
      for (Condition condition : pod.getStatus().getConditionsList()) {
        if (condition.getType().equals("Ready") && condition.getStatus().equals("True")) {
          condition = condition.toBuilder().setStatus("False").setReason("NodeNotReady")
              .setLastTransitionTime(now()).build();
          changed = true;
        }
        conditions.add(condition);
      }
      if (changed) {
        PodStatus status = pod.getStatus().toBuilder().clearConditions().addAllConditions(conditions).build();
        try {
          ctx.podClient().updateStatus(pod.toBuilder().setStatus(status).build());
        } catch (StatusRuntimeException e) {
          log.debug("cannot mark pod {} not ready: {}", pod.getMetadata().getName(), e.getStatus());
        }
      }
    }
  }

  /** Adds or removes the NoExecute taints that follow from the Ready condition. */
  private Node updateTaints(Node node) {
    String ready = ready(node);
    // a node that has not posted a Ready condition yet is new: it is judged when its grace period ends
    String wanted = ready.equals("True") || ready.isEmpty() ? null : ready.equals("False") ? NOT_READY : UNREACHABLE;
    List<Taint> taints = new ArrayList<>();
    boolean present = false;
    for (Taint taint : node.getSpec().getTaintsList()) {
      boolean ours = taint.getKey().equals(UNREACHABLE) || taint.getKey().equals(NOT_READY);
      if (!ours || (taint.getKey().equals(wanted) && taint.getEffect().equals("NoExecute"))) {
        taints.add(taint);
        present |= ours;
      }
    }
    if (wanted != null && !present) {
      taints.add(Taint.newBuilder().setKey(wanted).setEffect("NoExecute").setTimeAdded(now()).build());
    }
    if (taints.equals(node.getSpec().getTaintsList())) {
      return node;
    }
    log.info("node {} taints: {}", node.getMetadata().getName(), taints.stream().map(Taint::getKey).toList());
    return ctx.nodeClient().update(node.toBuilder().setSpec(node.getSpec().toBuilder().clearTaints()
        .addAllTaints(taints)).build());
  }

  /** Deletes the pods whose time on this node is up; returns when the next one's is, or null. */
  private Duration evictPods(Node node) {
    List<Taint> taints = node.getSpec().getTaintsList();
    boolean unreachable = !ready(node).equals("True") && !ready(node).isEmpty();
    Instant now = ctx.clock().instant();
    Duration next = null;
    for (Pod pod : ctx.pods().byIndex(ControllerContext.BY_NODE, node.getMetadata().getName())) {
      Optional<Instant> deadline = pod.getMetadata().hasDeletionTimestamp()
          ? (unreachable ? Optional.of(instant(pod.getMetadata().getDeletionTimestamp())) : Optional.empty())
          : NoExecuteEvictions.deadline(pod, taints, ctx.settings().podEvictionTimeout());
      if (deadline.isEmpty()) {
        continue;
      }
      if (deadline.get().isAfter(now)) {
        Duration wait = Duration.between(now, deadline.get());
        next = next == null || wait.compareTo(next) < 0 ? wait : next;
        continue;
      }
      evict(pod, node.getMetadata().getName(), pod.getMetadata().hasDeletionTimestamp());
    }
    return next;
  }

  /** Evicts a pod, or with {@code force} removes it for good (nothing on its node can stop it any more). */
  private void evict(Pod pod, String node, boolean force) {
    DeleteRequest.Builder delete = DeleteRequest.newBuilder().setNamespace(pod.getMetadata().getNamespace())
        .setName(pod.getMetadata().getName())
        .setPreconditions(Preconditions.newBuilder().setUid(pod.getMetadata().getUid()));
    if (force) {
      delete.setGracePeriodSeconds(0);
    }
    try {
      ctx.podClient().delete(delete.build());
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.NOT_FOUND || e.getStatus().getCode() == Status.Code.FAILED_PRECONDITION) {
        return;  // gone already, or a new pod of the same name
      }
      throw e;
    }
    if (force) {
      log.info("pod {}/{} removed: its node {} cannot stop it", pod.getMetadata().getNamespace(),
          pod.getMetadata().getName(), node);
    } else {
      log.info("pod {}/{} evicted from node {}", pod.getMetadata().getNamespace(), pod.getMetadata().getName(), node);
      ctx.events().normal(EventRecorder.reference(ResourceTypes.PODS.apiVersion(), "Pod", pod.getMetadata()),
          "TaintManagerEviction", "Marking for deletion Pod " + pod.getMetadata().getNamespace() + "/"
              + pod.getMetadata().getName());
    }
  }

  /** Pods bound to a node that no longer exists can never run or stop: they go at once (Kubernetes' pod GC). */
  private Duration removePodsOfMissingNode(String name) {
    lastSeen.remove(name);
    for (Pod pod : ctx.pods().byIndex(ControllerContext.BY_NODE, name)) {
      evict(pod, name, true);
    }
    return null;
  }


  /** The Ready condition's status, or "" when the node has none. */
  private static String ready(Node node) {
    return node.getStatus().getConditionsList().stream().filter(c -> c.getType().equals("Ready"))
        .map(Condition::getStatus).findFirst().orElse("");
  }

  private static Timestamp heartbeat(Node node) {
    return node.getStatus().getConditionsList().stream().filter(c -> c.getType().equals("Ready"))
        .map(Condition::getLastHeartbeatTime).findFirst().orElse(Timestamp.getDefaultInstance());
  }

  private static io.skiff.api.v1.ObjectReference reference(Node node) {
    return EventRecorder.reference(ResourceTypes.NODES.apiVersion(), "Node", node.getMetadata());
  }

  private Timestamp now() {
    Instant now = ctx.clock().instant();
    return Timestamp.newBuilder().setSeconds(now.getEpochSecond()).build();
  }

  private static Instant instant(Timestamp t) {
    return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
  }

  @Override
  public void close() {
    loop.close();
  }
}
