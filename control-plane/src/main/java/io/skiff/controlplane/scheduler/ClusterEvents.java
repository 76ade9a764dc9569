package io.skiff.controlplane.scheduler;

import io.skiff.api.v1.Condition;
import io.skiff.api.v1.Node;
import io.skiff.api.v1.Pod;
import io.skiff.client.cache.Informer;
import java.util.Objects;
import java.util.Set;

/**
 * Informer handlers that keep the cache current and the queue fed: nodes and bound pods go to the
 * cache; pods that want a node are queued; changes that may make room for parked pods (a node
 * added or changed in what the filters read, a pod gone from a node) move them back to the queue.
 * They run on the informers' threads and only change memory.
 */
final class ClusterEvents {
  /** The scheduler names this scheduler answers to; the API defaults an empty one to "default-scheduler". */
  static final Set<String> SCHEDULER_NAMES = Set.of("", "default-scheduler", "skiff-scheduler");

  private final SchedulerCache cache;
  private final SchedulingQueue queue;

  ClusterEvents(SchedulerCache cache, SchedulingQueue queue) {
    this.cache = cache;
    this.queue = queue;
  }

  /** A pod this scheduler should place: no node yet, not being deleted, not finished, and asking for this scheduler. */
  static boolean wantsNode(Pod pod) {
    return pod.getSpec().getNodeName().isEmpty() && !pod.getMetadata().hasDeletionTimestamp() && !finished(pod)
        && SCHEDULER_NAMES.contains(pod.getSpec().getSchedulerName());
  }

  /** A finished pod's containers are gone: it holds nothing on its node. */
  private static boolean finished(Pod pod) {
    String phase = pod.getStatus().getPhase();
    return phase.equals("Succeeded") || phase.equals("Failed");
  }

  private static boolean holdsNode(Pod pod) {
    return !pod.getSpec().getNodeName().isEmpty() && !finished(pod);
  }

  Informer.Handler<Node> nodes() {
    return new Informer.Handler<>() {
      @Override
      public void onAdd(Node node) {
        cache.putNode(node);
        queue.moveAllToActive();
      }

      @Override
      public void onUpdate(Node old, Node node) {
        cache.putNode(node);
        if (schedulingChanged(old, node)) {
          queue.moveAllToActive();
        }
      }

      @Override
      public void onDelete(Node node) {
        cache.removeNode(node.getMetadata().getName());
      }
    };
  }

  /** Whether what the filters read changed; not the heartbeat every node writes every few seconds. */
  static boolean schedulingChanged(Node old, Node node) {
    return !old.getSpec().equals(node.getSpec())
        || !old.getMetadata().getLabelsMap().equals(node.getMetadata().getLabelsMap())
        || !old.getStatus().getAllocatableMap().equals(node.getStatus().getAllocatableMap())
        || !Objects.equals(readyStatus(old), readyStatus(node));
  }

  private static String readyStatus(Node node) {
    for (Condition condition : node.getStatus().getConditionsList()) {
      if (condition.getType().equals("Ready")) {
        return condition.getStatus();
      }
    }
    return null;
  }

  Informer.Handler<Pod> pods() {
    return new Informer.Handler<>() {
      @Override
      public void onAdd(Pod pod) {
        if (holdsNode(pod)) {
          cache.putBoundPod(pod);
        } else if (wantsNode(pod)) {
          queue.add(Informer.key(pod.getMetadata()));
        }
      }

      @Override
      public void onUpdate(Pod old, Pod pod) {
        String key = Informer.key(pod.getMetadata());
        if (holdsNode(pod)) {
          cache.putBoundPod(pod);
          queue.unpark(key);  // bound, by this scheduler or around it
        } else if (!pod.getSpec().getNodeName().isEmpty()) {
          cache.removePod(pod.getMetadata().getUid());  // finished: its room is free
          if (holdsNode(old)) {
            queue.moveAllToActive();
          }
        } else if (wantsNode(pod)) {
          // a status change (our own condition, say) cannot make a pod fit; a spec change can
          if (!wantsNode(old) || !old.getSpec().equals(pod.getSpec())) {
            queue.add(key);
          }
        } else {
          queue.unpark(key);
        }
      }

      @Override
      public void onDelete(Pod pod) {
        cache.removePod(pod.getMetadata().getUid());
        queue.unpark(Informer.key(pod.getMetadata()));
        if (holdsNode(pod)) {
          queue.moveAllToActive();
        }
      }
    };
  }
}
