package io.skiff.agent.logs;

import com.google.inject.Inject;
import com.google.inject.Singleton;
import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.skiff.agent.node.NodeIdentity;
import io.skiff.agent.pods.PodCache;
import io.skiff.agent.pods.PodRuntime;
import io.skiff.agent.runtime.ContainerRuntime;
import io.skiff.agent.runtime.ContainerStatus;
import io.skiff.agent.runtime.LogOptions;
import io.skiff.agent.runtime.LogSink;
import io.skiff.agent.runtime.RuntimeError;
import io.skiff.agent.runtime.RuntimeLabels;
import io.skiff.agent.threads.AgentThreads;
import io.skiff.api.v1.Container;
import io.skiff.api.v1.LogChunk;
import io.skiff.api.v1.Pod;
import io.skiff.api.v1.PodLogsRequest;
import io.skiff.proto.agent.AgentGrpc;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * skiff.agent.v1.Agent/Logs: a container's log from the engine, as the masters ask for it on a
 * user's behalf — the current instance or, with {@code previous}, the one before its last restart;
 * following, tail, timestamps, since. Each stream is read on a thread of its own, sends only as
 * fast as the caller reads (flow control), and is interrupted when the caller goes away.
 */
@Singleton
public final class LogService extends AgentGrpc.AgentImplBase implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LogService.class);

  private final ContainerRuntime runtime;
  private final PodCache pods;
  private final NodeIdentity node;
  private final ExecutorService readers;

  @Inject
  public LogService(ContainerRuntime runtime, PodCache pods, NodeIdentity node, AgentThreads threads) {
    this.runtime = runtime;
    this.pods = pods;
    this.node = node;
    this.readers = threads.onDemand("log-reader");
  }

  @Override
  public void logs(PodLogsRequest request, StreamObserver<LogChunk> observer) {
    ServerCallStreamObserver<LogChunk> call = (ServerCallStreamObserver<LogChunk>) observer;
    String containerId;
    try {
      containerId = choose(request);
    } catch (StatusRuntimeException e) {
      call.onError(e);
      return;
    }
    AtomicReference<Thread> reader = new AtomicReference<>();
    Object readiness = new Object();
    call.setOnCancelHandler(() -> {
      Thread t = reader.get();
      if (t != null) {
        t.interrupt();
      }
    });
    call.setOnReadyHandler(() -> {
      synchronized (readiness) {
        readiness.notifyAll();
      }
    });
    LogOptions options = new LogOptions(request.getFollow(),
        request.hasTailLines() ? (int) Math.min(Integer.MAX_VALUE, Math.max(0, request.getTailLines())) : -1,
        request.getTimestamps(),
        request.hasSinceSeconds() ? Instant.now().minusSeconds(request.getSinceSeconds()) : null);
    readers.execute(() -> {
      reader.set(Thread.currentThread());
      try {
        if (call.isCancelled()) {
          return;
        }
        runtime.logs(containerId, options, (stream, data) -> send(call, readiness, stream, data));
        if (!call.isCancelled()) {
          call.onCompleted();
        }
      } catch (RuntimeError e) {
        fail(call, (e.kind() == RuntimeError.Kind.NOT_FOUND ? Status.NOT_FOUND : Status.UNAVAILABLE)
            .withDescription(e.getMessage()));
      } catch (StatusRuntimeException e) {
        log.debug("log stream of {} ended: {}", request.getName(), e.getStatus());
      } catch (RuntimeException e) {
        log.warn("log stream of pod {}/{} failed", request.getNamespace(), request.getName(), e);
        fail(call, Status.INTERNAL.withDescription(e.toString()));
      } finally {
        reader.set(null);
        Thread.interrupted();  // a cancel that came after the end must not reach the pool's next task
      }
    });
  }

  /** Waits until the caller can take more (or has gone), then sends; false stops the engine's stream. */
  private static boolean send(ServerCallStreamObserver<LogChunk> call, Object readiness, LogSink.Stream stream,
      byte[] data) {
    synchronized (readiness) {
      while (!call.isReady() && !call.isCancelled()) {
        try {
          readiness.wait(500);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
      }
    }
    if (call.isCancelled()) {
      return false;
    }
    call.onNext(LogChunk.newBuilder().setData(ByteString.copyFrom(data))
        .setStream(stream.name().toLowerCase(Locale.ROOT)).build());
    return true;
  }

  private static void fail(ServerCallStreamObserver<LogChunk> call, Status status) {
    if (!call.isCancelled()) {
      call.onError(status.asRuntimeException());
    }
  }

  /** The engine's id of the instance the request means; NOT_FOUND or FAILED_PRECONDITION saying why there is none. */
  private String choose(PodLogsRequest request) {
    String namespace = request.getNamespace().isEmpty() ? "default" : request.getNamespace();
    String name = request.getName();
    Optional<Pod> pod = pods.find(namespace, name);
    List<ContainerStatus> instances = runtime.listContainers(Map.of(RuntimeLabels.POD_NAMESPACE, namespace,
            RuntimeLabels.POD_NAME, name)).stream()
        .filter(c -> namespace.equals(c.labels().get(RuntimeLabels.POD_NAMESPACE))
            && name.equals(c.labels().get(RuntimeLabels.POD_NAME))
            && pod.map(p -> p.getMetadata().getUid().equals(c.labels().get(RuntimeLabels.POD_UID))).orElse(true))
        .toList();
    if (pod.isEmpty() && instances.isEmpty()) {
      throw Status.NOT_FOUND.withDescription("pod " + namespace + "/" + name + " is not on node " + node.name())
          .asRuntimeException();
    }
    List<String> names = pod.map(p -> p.getSpec().getContainersList().stream().map(Container::getName).toList())
        .orElseGet(() -> instances.stream().map(c -> c.labels().get(RuntimeLabels.CONTAINER_NAME)).distinct().toList());
    String container = request.getContainer();
    if (container.isEmpty()) {
      if (names.size() != 1) {
        throw Status.FAILED_PRECONDITION.withDescription("a container name must be specified for pod " + name
            + ", choose one of: " + names).asRuntimeException();
      }
      container = names.get(0);
    } else if (!names.contains(container)) {
      throw Status.NOT_FOUND.withDescription("container " + container + " is not valid for pod " + name
          + "; it has " + names).asRuntimeException();
    }
    String wanted = container;
    List<ContainerStatus> ofContainer = instances.stream()
        .filter(c -> wanted.equals(c.labels().get(RuntimeLabels.CONTAINER_NAME)))
        .sorted(Comparator.comparingInt(PodRuntime::attempt).reversed()).toList();
    if (request.getPrevious()) {
      if (ofContainer.size() < 2) {
        throw Status.NOT_FOUND.withDescription("previous terminated container \"" + container + "\" in pod \""
            + name + "\" not found").asRuntimeException();
      }
      return ofContainer.get(1).id();
    }
    if (ofContainer.isEmpty()) {
      throw Status.FAILED_PRECONDITION.withDescription("container \"" + container + "\" in pod \"" + name
          + "\" is waiting to start").asRuntimeException();
    }
    return ofContainer.get(0).id();
  }

  @Override
  public void close() {
    readers.shutdownNow();
  }
}
