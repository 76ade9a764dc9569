package io.skiff.e2e;

import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.skiff.api.v1.Container;
import io.skiff.api.v1.DeleteRequest;
import io.skiff.api.v1.ObjectMeta;
import io.skiff.api.v1.Pod;
import io.skiff.api.v1.PodSpec;
import io.skiff.api.v1.Preconditions;
import io.skiff.api.v1.Toleration;
import io.skiff.client.ResourceClient;
import io.skiff.client.ResourceTypes;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client that writes pods continuously, one call at a time, as fast as a paced loop allows: for
 * pod i, create it, update it, and delete it when i is even (so the namespace keeps the odd ones).
 * It records every write it knows took effect, in the order they took effect (one at a time, so
 * that is the store's order), and when it heard the acknowledgement.
 *
 * <p>A call that fails (a master died under it, a deadline passed) is ambiguous: it may have been
 * committed. The writer settles it as a real client must, by reading the pod back (a Get is a
 * linearizable read) and either recording what it finds or trying again; its writes are
 * compare-and-swap (create, update at a resourceVersion, delete with a uid precondition), so a
 * late duplicate of a failed call can never apply twice. Pods are bound to a parked node (cordoned,
 * no agent) and tolerate its taints, so nobody else writes them.
 */
final class PodWriter implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PodWriter.class);
  private static final long CALL_TIMEOUT_MILLIS = 10_000;
  /** About 100 writes a second at most: a steady load that leaves the two cores to the masters. */
  private static final long PACE_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
  private static final long READ_BACK = Long.MIN_VALUE;

  private final ResourceClient<Pod> pods;
  private final String namespace;
  private final String node;
  private final Thread thread;
  private final List<Change> acknowledged = new ArrayList<>();
  private final List<Long> ackNanos = new ArrayList<>();
  /** When the write call behind each acknowledgement began; READ_BACK where a read settled it. */
  private final List<Long> startNanos = new ArrayList<>();
  private final List<String> failures = new ArrayList<>();
  private volatile boolean stopping;
  private volatile RuntimeException died;

  PodWriter(Channel channel, String namespace, String node) {
    this.pods = new ResourceClient<>(channel, ResourceTypes.PODS, CALL_TIMEOUT_MILLIS);
    this.namespace = namespace;
    this.node = node;
    this.thread = new Thread(this::run, "pod-writer-" + namespace);
  }

  PodWriter start() {
    thread.start();
    return this;
  }

  private void run() {
    try {
      for (int i = 0; !stopping; i++) {
        String name = "w-" + i;
        Pod created = create(name);
        if (stopping) {
          break;
        }
        update(created);
        if (i % 2 == 0 && !stopping) {
          delete(created);
        }
      }
    } catch (RuntimeException e) {
      log.error("the writer stopped", e);
      died = e;
    }
  }

  private Pod create(String name) {
    Pod pod = Pod.newBuilder()
        .setMetadata(ObjectMeta.newBuilder().setNamespace(namespace).setName(name).putLabels("writer", "e2e"))
        .setSpec(PodSpec.newBuilder().setNodeName(node).setTerminationGracePeriodSeconds(0)
            .addTolerations(Toleration.newBuilder().setOperator("Exists"))
            .addContainers(Container.newBuilder().setName("main").setImage("localhost/busybox:latest")))
        .build();
    while (true) {
      pace();
      long started = System.nanoTime();
      try {
        return acknowledge(pods.create(pod), "ADDED", started);
      } catch (StatusRuntimeException e) {
        failed("create " + name, e);
        Pod found = readBack(name);
        if (found != null) {
          return acknowledge(found, "ADDED", READ_BACK);
        }
      }
    }
  }

  private void update(Pod pod) {
    Pod current = pod;
    while (true) {
      pace();
      long started = System.nanoTime();
      try {
        acknowledge(pods.update(updated(current)), "MODIFIED", started);
        return;
      } catch (StatusRuntimeException e) {
        failed("update " + pod.getMetadata().getName(), e);
        Pod found = readBack(pod.getMetadata().getName());
        if (found == null) {
          throw new IllegalStateException("pod " + pod.getMetadata().getName() + " vanished under its only writer");
        }
        if (found.getMetadata().containsAnnotations("updated")) {
          acknowledge(found, "MODIFIED", READ_BACK);
          return;
        }
        current = found;
      }
    }
  }

  private static Pod updated(Pod pod) {
    return pod.toBuilder().setMetadata(pod.getMetadata().toBuilder().putAnnotations("updated", "yes")).build();
  }

  private void delete(Pod pod) {
    String name = pod.getMetadata().getName();
    DeleteRequest request = DeleteRequest.newBuilder().setNamespace(namespace).setName(name)
        .setGracePeriodSeconds(0).setPreconditions(Preconditions.newBuilder().setUid(pod.getMetadata().getUid()))
        .build();
    while (true) {
      pace();
      long started = System.nanoTime();
      try {
        Pod deleted = pods.delete(request);
        record(new Change(name, "DELETED", deleted.getMetadata().getResourceVersion()), started);
        return;
      } catch (StatusRuntimeException e) {
        failed("delete " + name, e);
        if (readBack(name) == null) {
          // deleted, at a revision this client never heard
          record(new Change(name, "DELETED", Change.UNKNOWN), READ_BACK);
          return;
        }
      }
    }
  }

  /** The pod as the store has it now, null when there is none; retries until a master answers. */
  private Pod readBack(String name) {
    while (true) {
      pace();
      try {
        return pods.get(namespace, name);
      } catch (StatusRuntimeException e) {
        if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
          return null;
        }
        failed("get " + name, e);
      }
    }
  }

  private Pod acknowledge(Pod pod, String type, long startedNanos) {
    record(new Change(pod.getMetadata().getName(), type, pod.getMetadata().getResourceVersion()), startedNanos);
    return pod;
  }

  /** {@code startedNanos}: when the call that wrote it began, or {@link #READ_BACK}. */
  private synchronized void record(Change change, long startedNanos) {
    acknowledged.add(change);
    ackNanos.add(System.nanoTime());
    startNanos.add(startedNanos);
  }

  private synchronized void failed(String what, StatusRuntimeException e) {
    failures.add(what + ": " + e.getStatus());
    log.info("{} failed after {} acknowledged writes: {}", what, acknowledged.size(), e.getStatus());
  }

  private void pace() {
    LockSupport.parkNanos(PACE_NANOS);
    if (died != null) {
      throw died;
    }
  }

  /** The writes known to have taken effect, in order. */
  synchronized List<Change> acknowledged() {
    return List.copyOf(acknowledged);
  }

  synchronized int count() {
    return acknowledged.size();
  }

  /** Every failed call, with its status: each one was settled by reading back. */
  synchronized List<String> failures() {
    return List.copyOf(failures);
  }

  /**
   * When (System.nanoTime) the first write call begun after {@code nanos} was acknowledged; -1 if none
   * yet. Calls begun before may be answered later, but were committed before: they do not show that
   * the store takes writes again.
   */
  synchronized long firstWriteBegunAfter(long nanos) {
    for (int i = 0; i < ackNanos.size(); i++) {
      if (startNanos.get(i) != READ_BACK && startNanos.get(i) > nanos) {
        return ackNanos.get(i);
      }
    }
    return -1;
  }

  /** The longest time between two acknowledged writes, in milliseconds. */
  synchronized long longestPauseMillis() {
    long longest = 0;
    for (int i = 1; i < ackNanos.size(); i++) {
      longest = Math.max(longest, ackNanos.get(i) - ackNanos.get(i - 1));
    }
    return TimeUnit.NANOSECONDS.toMillis(longest);
  }

  /** Stops after the write in hand is settled; rethrows what stopped it early. */
  void stop() throws InterruptedException {
    stopping = true;
    thread.join(TimeUnit.MINUTES.toMillis(2));
    if (thread.isAlive()) {
      throw new IllegalStateException("the writer did not stop");
    }
    if (died != null) {
      throw new IllegalStateException("the writer failed", died);
    }
  }

  @Override
  public void close() {
    stopping = true;
    try {
      thread.join(TimeUnit.MINUTES.toMillis(2));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
