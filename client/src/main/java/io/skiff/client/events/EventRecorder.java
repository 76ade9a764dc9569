package io.skiff.client.events;

import com.google.protobuf.Timestamp;
import io.grpc.StatusRuntimeException;
import io.skiff.api.v1.Event;
import io.skiff.api.v1.EventSource;
import io.skiff.api.v1.ObjectMeta;
import io.skiff.api.v1.ObjectReference;
import io.skiff.client.DaemonThreads;
import io.skiff.client.ResourceClient;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records Events about objects, as client-go's recorder does: in the
 * background (a component never waits for, or fails because of, an Event), and
 * a repeat of the same reason and message about the same object raises the
 * count of the Event already written instead of writing another. When the
 * masters are slow, Events beyond a bounded backlog are dropped, not queued
 * without end. Recorders of many hosts can share one writer ({@link #forHost}).
 * Thread-safe.
 */
public final class EventRecorder implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EventRecorder.class);
  private static final int BACKLOG = 1000;
  private static final int REMEMBERED = 4096;

  private final ResourceClient<Event> events;
  private final EventSource source;
  private final Clock clock;
  /** Writes one event at a time; shared with the recorders made by {@link #forHost}. */
  private final ThreadPoolExecutor writer;
  /** Recent events by what they say, for counting repeats; writer thread only, so shared as it is. */
  private final Map<String, Event> recent;
  /** Whether closing this ends the writer: not for the recorders made by {@link #forHost}. */
  private final boolean ownsWriter;

  public EventRecorder(ResourceClient<Event> events, String component, String host, Clock clock) {
    this(events, EventSource.newBuilder().setComponent(component).setHost(host).build(), clock,
        new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(BACKLOG),
            DaemonThreads.named("events-" + component)), new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Event> eldest) {
            return size() > REMEMBERED;
          }
        }, true);
  }

  private EventRecorder(ResourceClient<Event> events, EventSource source, Clock clock, ThreadPoolExecutor writer,
      Map<String, Event> recent, boolean ownsWriter) {
    this.events = events;
    this.source = source;
    this.clock = clock;
    this.writer = writer;
    this.recent = recent;
    this.ownsWriter = ownsWriter;
  }

  /**
   * A recorder for the same component on another host that writes through this one's thread,
   * backlog and memory of repeats: many simulated nodes in one JVM so share one. Closing it leaves
   * them to this recorder.
   */
  public EventRecorder forHost(String host) {
    return new EventRecorder(events, source.toBuilder().setHost(host).build(), clock, writer, recent, false);
  }

  /** The reference to an object that an Event names. */
  public static ObjectReference reference(String apiVersion, String kind, ObjectMeta meta) {
    return ObjectReference.newBuilder().setApiVersion(apiVersion).setKind(kind).setNamespace(meta.getNamespace())
        .setName(meta.getName()).setUid(meta.getUid()).setResourceVersion(meta.getResourceVersion()).build();
  }

  public void normal(ObjectReference object, String reason, String message) {
    record(object, "Normal", reason, message);
  }

  public void warning(ObjectReference object, String reason, String message) {
    record(object, "Warning", reason, message);
  }

  private void record(ObjectReference object, String type, String reason, String message) {
    Timestamp now = Timestamp.newBuilder().setSeconds(clock.instant().getEpochSecond()).build();
    try {
      writer.execute(() -> write(object, type, reason, message, now));
    } catch (RejectedExecutionException e) {
      log.debug("event {} about {} dropped: backlog full", reason, object.getName());
    }
  }

  private void write(ObjectReference object, String type, String reason, String message, Timestamp now) {
    String said = source.getHost() + "\n" + object.getUid() + "\n" + object.getName() + "\n" + object.getFieldPath()
        + "\n" + type + "\n" + reason + "\n" + message;
    try {
      Event seen = recent.get(said);
      if (seen != null) {
        try {
          recent.put(said, events.update(seen.toBuilder().setCount(seen.getCount() + 1).setLastTimestamp(now)
              .setMetadata(seen.getMetadata().toBuilder().setResourceVersion(0)).build()));
          return;
        } catch (StatusRuntimeException e) {
          recent.remove(said);  // gone or changed by someone else: write a new one
        }
      }
      // cluster-scoped objects' events live in "default", as Kubernetes keeps them
      String namespace = object.getNamespace().isEmpty() ? "default" : object.getNamespace();
      Event event = Event.newBuilder()
          .setMetadata(ObjectMeta.newBuilder().setNamespace(namespace).setGenerateName(object.getName() + "."))
          .setInvolvedObject(object)
          .setType(type)
          .setReason(reason)
          .setMessage(message)
          .setSource(source)
          .setReportingComponent(source.getComponent())
          .setReportingInstance(source.getHost())
          .setFirstTimestamp(now)
          .setLastTimestamp(now)
          .setCount(1)
          .build();
      recent.put(said, events.create(event));
    } catch (StatusRuntimeException e) {
      log.debug("cannot record event {} about {}: {}", reason, object.getName(), e.getStatus());
    }
  }

  @Override
  public void close() {
    if (ownsWriter) {
      writer.shutdownNow();
    }
  }
}
