package io.skiff.agent.podman;

import io.skiff.agent.runtime.ContainerRuntime;
import io.skiff.agent.runtime.RuntimeError;
import io.skiff.client.DaemonThreads;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A subscription to Podman's event stream ({@code GET /events?stream=true}, one JSON object a
 * line), read by a thread of its own. When the stream breaks (Podman restarted) it reconnects
 * with growing pauses, asking for the events since the last one it delivered, so none is lost
 * across the gap; the event at the boundary may come twice. Thread-safe.
 */
final class PodmanEvents implements ContainerRuntime.Subscription {
  private static final Logger log = LoggerFactory.getLogger(PodmanEvents.class);
  private static final AtomicInteger THREADS = new AtomicInteger();
  private static final Duration FIRST_RETRY = Duration.ofMillis(500);
  private static final Duration MAX_RETRY = Duration.ofSeconds(10);

  private final PodmanTransport transport;
  private final Map<String, List<String>> filters;
  private final Consumer<LibpodJson.Event> listener;
  private final Thread reader;
  private volatile boolean closed;
  private volatile PodmanTransport.Request.Stream stream;
  /** Time of the last event delivered, or of the subscription: where a reconnect resumes. */
  private Instant since;

  private PodmanEvents(PodmanTransport transport, Map<String, List<String>> filters,
      Consumer<LibpodJson.Event> listener) {
    this.transport = transport;
    this.filters = filters;
    this.listener = listener;
    this.reader = DaemonThreads.thread("podman-events-" + THREADS.incrementAndGet(), this::readLoop);
  }

  /**
   * Subscribes with Podman's event filters (e.g. {@code type}, {@code event}, {@code label}).
   * Returns once Podman accepted the stream; fails with UNAVAILABLE when it cannot be reached.
   */
  static PodmanEvents subscribe(PodmanTransport transport, Map<String, List<String>> filters,
      Consumer<LibpodJson.Event> listener) {
    PodmanEvents events = new PodmanEvents(transport, filters, listener);
    events.since = Instant.now();
    events.stream = events.open();
    events.reader.start();
    return events;
  }

  @Override
  public void close() {
    closed = true;
    PodmanTransport.Request.Stream s = stream;
    if (s != null) {
      s.close(); // wakes the reader
    }
    reader.interrupt(); // ends a pause between reconnects
  }

  private PodmanTransport.Request.Stream open() {
    return transport.request("GET", "events")
        .param("stream", true)
        .param("since", since.toString())
        .jsonParam("filters", filters)
        .open(null);
  }

  private void readLoop() {
    Duration pause = FIRST_RETRY;
    while (!closed) {
      try {
        if (stream == null) {
          stream = open();
          log.info("reading Podman's events again, from {}", since);
        }
        if (read(stream)) {
          pause = FIRST_RETRY; // it delivered something before it ended
        }
        if (!closed) {
          log.warn("Podman's event stream ended; reconnecting");
        }
      } catch (RuntimeError | IOException e) {
        if (!closed) {
          log.warn("Podman's event stream failed ({}); reconnecting in {} ms", e.getMessage(), pause.toMillis());
        }
      }
      PodmanTransport.Request.Stream s = stream;
      stream = null;
      if (s != null) {
        s.close();
      }
      if (!closed && !pause(pause)) {
        return;
      }
      pause = pause.multipliedBy(2).compareTo(MAX_RETRY) > 0 ? MAX_RETRY : pause.multipliedBy(2);
    }
  }

  /** Delivers the stream's events until it ends; returns whether it delivered any. */
  private boolean read(PodmanTransport.Request.Stream s) throws IOException {
    boolean delivered = false;
    var lines = new BufferedReader(new InputStreamReader(s.body(), StandardCharsets.UTF_8));
    String line;
    while (!closed && (line = lines.readLine()) != null) {
      if (line.isBlank()) {
        continue;
      }
      LibpodJson.Event event = transport.json().readValue(line, LibpodJson.Event.class);
      if (event.timeNano() > 0) {
        since = Instant.ofEpochSecond(0, event.timeNano());
      }
      try {
        listener.accept(event);
      } catch (RuntimeException e) {
        log.error("an event listener failed on {}", line, e);
      }
      delivered = true;
    }
    return delivered;
  }

  private boolean pause(Duration pause) {
    try {
      Thread.sleep(pause.toMillis());
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
