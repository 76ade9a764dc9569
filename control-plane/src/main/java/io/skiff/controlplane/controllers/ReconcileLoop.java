package io.skiff.controlplane.controllers;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.skiff.client.workqueue.WorkQueue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The plumbing every controller shares: a work queue of object keys
 * ("namespace/name") and workers that take a key, reconcile it and are done
 * with it. The reconciler gets only the key and reads current state itself, so
 * repeated adds collapse and one key is never worked on twice at once. A
 * reconcile that throws comes back with a growing delay; one that returns a
 * duration comes back after it (to check on something time will change).
 */
public final class ReconcileLoop implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ReconcileLoop.class);

  private final String name;
  private final int workers;
  private final Function<String, Duration> reconcile;
  private final WorkQueue<String> queue;
  private final List<Thread> threads = new ArrayList<>();

  /** {@code reconcile} returns when to look at the key again, or null for "when it changes". */
  public ReconcileLoop(String name, int workers, Function<String, Duration> reconcile) {
    this.name = name;
    this.workers = workers;
    this.reconcile = reconcile;
    this.queue = new WorkQueue<>(name, Duration.ofMillis(50), Duration.ofSeconds(30));
  }

  public void add(String key) {
    queue.add(key);
  }

  public void addAfter(String key, Duration delay) {
    queue.addAfter(key, delay);
  }

  public void start() {
    for (int i = 0; i < workers; i++) {
      Thread thread = new Thread(() -> queue.process(reconcile, this::failed), name + "-" + i);
      thread.setDaemon(true);
      thread.start();
      threads.add(thread);
    }
  }

  private void failed(String key, RuntimeException e) {
    if (e instanceof StatusRuntimeException s && s.getStatus().getCode() == Status.Code.ABORTED) {
      log.debug("{} {}: conflict, retrying: {}", name, key, s.getStatus().getDescription());
    } else if (e instanceof StatusRuntimeException s) {
      log.info("{} {} failed: {}", name, key, s.getStatus());
    } else {
      log.warn("{} {} failed", name, key, e);
    }
  }

  public int length() {
    return queue.length();
  }

  @Override
  public void close() {
    queue.close();
    threads.forEach(Thread::interrupt);
  }
}
