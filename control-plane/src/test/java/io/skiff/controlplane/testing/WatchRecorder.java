package io.skiff.controlplane.testing;

import static org.awaitility.Awaitility.await;

import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.skiff.api.v1.WatchRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Predicate;
import org.awaitility.core.ConditionFactory;

/**
 * The client end of one Watch call (any kind): records every event it
 * receives, in order, and how the stream ended. Pass it to an async stub's
 * {@code watch}. A {@link #paused()} recorder reads nothing until told to
 * ({@link #request}), to play a slow client whose transport fills up.
 *
 * @param <E> the kind's watch event message, e.g. {@code PodWatchEvent}
 */
public final class WatchRecorder<E> implements ClientResponseObserver<WatchRequest, E> {
  /** How long the await methods wait unless told otherwise. */
  public static final Duration PATIENCE = Duration.ofSeconds(30);
  /** How often the await methods look; they look at once first. */
  private static final Duration POLL = Duration.ofMillis(10);

  private final boolean paused;
  private final List<E> events = new ArrayList<>();
  private final CompletableFuture<Status> end = new CompletableFuture<>();
  private volatile ClientCallStreamObserver<WatchRequest> call;

  private WatchRecorder(boolean paused) {
    this.paused = paused;
  }

  /** Reads events as fast as they come. */
  public static <E> WatchRecorder<E> reading() {
    return new WatchRecorder<>(false);
  }

  /** Asks for no events: the server's stream fills and stays full until {@link #request}. */
  public static <E> WatchRecorder<E> paused() {
    return new WatchRecorder<>(true);
  }

  @Override
  public void beforeStart(ClientCallStreamObserver<WatchRequest> requestStream) {
    call = requestStream;
    if (paused) {
      requestStream.disableAutoRequestWithInitial(0);
    }
  }

  @Override
  public void onNext(E event) {
    synchronized (events) {
      events.add(event);
    }
  }

  @Override
  public void onError(Throwable t) {
    end.complete(Status.fromThrowable(t));
  }

  @Override
  public void onCompleted() {
    end.complete(Status.OK);
  }

  /** A copy of the events so far. */
  public List<E> events() {
    synchronized (events) {
      return List.copyOf(events);
    }
  }

  /** The events so far, each mapped (e.g. to a comparable summary). */
  public <R> List<R> events(Function<? super E, R> mapper) {
    synchronized (events) {
      List<R> out = new ArrayList<>(events.size());
      for (E e : events) {
        out.add(mapper.apply(e));
      }
      return out;
    }
  }

  public int count() {
    synchronized (events) {
      return events.size();
    }
  }

  /** The newest event, or null. */
  public E last() {
    synchronized (events) {
      return events.isEmpty() ? null : events.get(events.size() - 1);
    }
  }

  /** Waits for at least {@code n} events; returns all so far. Fails at once if the stream ends first. */
  public List<E> awaitCount(int n) {
    awaitUnlessEnded(() -> count() >= n, n + " events");
    return events();
  }

  /** Waits for an event that satisfies {@code test}; returns it. Fails at once if the stream ends first. */
  public E awaitEvent(Predicate<? super E> test) {
    awaitUnlessEnded(() -> find(test) != null, "the event awaited");
    return find(test);
  }

  private void awaitUnlessEnded(BooleanSupplier condition, String what) {
    awaiting().until(() -> {
      boolean ended = ended();  // first: events come before the end
      if (condition.getAsBoolean()) {
        return true;
      }
      if (ended) {
        throw new AssertionError("the watch ended (" + describe(end.join()) + ") before " + what + ", after "
            + count() + " events: " + events());
      }
      return false;
    });
  }

  private static ConditionFactory awaiting() {
    return await().atMost(PATIENCE).pollDelay(Duration.ZERO).pollInterval(POLL);
  }

  private E find(Predicate<? super E> test) {
    synchronized (events) {
      for (E e : events) {
        if (test.test(e)) {
          return e;
        }
      }
      return null;
    }
  }

  /** Waits for the stream to end; returns its status (OK for a normal end). */
  public Status awaitEnd() {
    awaiting().until(end::isDone);
    return end.join();
  }

  public boolean ended() {
    return end.isDone();
  }

  /** Cancels the call, as a client that goes away, and waits until it has ended. */
  public void cancel() {
    call.cancel("the test is done with this watch", null);
    awaitEnd();
  }

  /** For a paused recorder: reads up to {@code n} more events. */
  public void request(int n) {
    call.request(n);
  }

  private static String describe(Status status) {
    return status.getCode() + (status.getDescription() == null ? "" : ": " + status.getDescription());
  }
}
