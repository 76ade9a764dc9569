package io.skiff.agent.runtime;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * What one in-memory container wrote: lines with their times, and readers that follow it. Thread-safe
 * (its own monitor); followers wait on it for new lines or the end.
 */
final class ContainerLog {
  private record Line(Instant time, LogSink.Stream stream, String text) {
  }

  private final List<Line> lines = new ArrayList<>();
  /** True once the container stopped: followers then stop after the last line. */
  private boolean ended;

  synchronized void write(Instant time, LogSink.Stream stream, String text) {
    lines.add(new Line(time, stream, text.endsWith("\n") ? text : text + "\n"));
    notifyAll();
  }

  /** A new run of the container (it was started again): followers keep reading. */
  synchronized void reopen() {
    ended = false;
  }

  synchronized void end() {
    ended = true;
    notifyAll();
  }

  /** Sends the lines {@code options} ask for; following, waits for more until the end, a refusal or an interrupt. */
  void read(LogOptions options, LogSink sink) {
    int next = first(options);
    while (true) {
      List<Line> batch;
      synchronized (this) {
        while (next >= lines.size() && !(ended || !options.follow())) {
          try {
            wait();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
          }
        }
        if (next >= lines.size()) {
          return;
        }
        batch = List.copyOf(lines.subList(next, lines.size()));
        next = lines.size();
      }
      for (Line line : batch) {
        if (options.since() != null && !line.time().isAfter(options.since())) {
          continue;
        }
        String text = options.timestamps() ? DateTimeFormatter.ISO_INSTANT.format(line.time()) + " " + line.text()
            : line.text();
        if (!sink.accept(line.stream(), text.getBytes(StandardCharsets.UTF_8))) {
          return;
        }
      }
    }
  }

  private synchronized int first(LogOptions options) {
    return options.tailLines() < 0 ? 0 : Math.max(0, lines.size() - options.tailLines());
  }
}
