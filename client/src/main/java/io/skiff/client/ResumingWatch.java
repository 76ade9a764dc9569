package io.skiff.client;

import com.google.protobuf.Message;
import io.grpc.ClientCall;
import io.grpc.Status;
import io.skiff.api.v1.WatchRequest;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A watch that outlives its streams: when one ends for a reason that a retry
 * can mend (a master went away, the server closed the stream), it is opened
 * again, on whichever master the channel now uses, from the last
 * resource_version seen — so the listener hears every event once, in order.
 * It stops for good when the server says the resume point is gone
 * (OUT_OF_RANGE: the caller must list again) or refuses the request itself.
 */
public final class ResumingWatch<T extends Message> implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ResumingWatch.class);
  private static final Set<Status.Code> FINAL = Set.of(Status.Code.OUT_OF_RANGE, Status.Code.INVALID_ARGUMENT,
      Status.Code.NOT_FOUND, Status.Code.PERMISSION_DENIED, Status.Code.UNAUTHENTICATED, Status.Code.UNIMPLEMENTED);
  private static final long MAX_BACKOFF_MILLIS = 2_000;

  private final ResourceClient<T> client;
  private final WatchRequest request;
  private final WatchListener<T> listener;
  /** Where reopening waits out its back-off; shut down when the watch stops. */
  private final ScheduledExecutorService retries;
  private volatile long resourceVersion;
  /** Initial events carry their objects' versions, not a point to resume from: that is the bookmark after them. */
  private volatile boolean initialEventsDone;
  private volatile boolean closed;
  private volatile ClientCall<WatchRequest, Message> call;
  private long backoffMillis = 100;

  /** Starts watching; {@code listener.onEnd} is called once, when the watch stops for good. */
  public ResumingWatch(ResourceClient<T> client, WatchRequest request, WatchListener<T> listener) {
    this(client, request, listener, Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("watch-resume")));
  }

  /** As above, with the watch's reopening scheduled on {@code retries}, which is shut down when it stops. */
  public ResumingWatch(ResourceClient<T> client, WatchRequest request, WatchListener<T> listener,
      ScheduledExecutorService retries) {
    this.client = client;
    this.request = request;
    this.listener = listener;
    this.retries = retries;
    this.resourceVersion = request.getResourceVersion();
    this.initialEventsDone = !request.getSendInitialEvents();
    open(request);
  }

  /** The last resource_version heard (an event's or a bookmark's). */
  public long resourceVersion() {
    return resourceVersion;
  }

  private void open(WatchRequest streamRequest) {
    if (closed) {
      return;
    }
    call = client.watch(streamRequest, new WatchListener<>() {
      @Override
      public void onEvent(String type, T object) {
        backoffMillis = 100;
        if (initialEventsDone || type.equals("BOOKMARK")) {
          initialEventsDone = true;
          resourceVersion = client.meta(object).getResourceVersion();
        }
        if (!closed) {
          listener.onEvent(type, object);
        }
      }

      @Override
      public void onEnd(Status status) {
        if (closed) {
          return;
        }
        if (FINAL.contains(status.getCode())) {
          closed = true;
          retries.shutdown();
          listener.onEnd(status);
          return;
        }
        log.debug("watch of {} ended ({}); resuming from {}", client.type().resource(), status, resourceVersion);
        long delay = backoffMillis;
        backoffMillis = Math.min(MAX_BACKOFF_MILLIS, backoffMillis * 2);
        retries.schedule(() -> open(resumeRequest()), delay, TimeUnit.MILLISECONDS);
      }
    });
  }

  /**
   * The same watch from the last revision heard; a watch cut off in its initial
   * events starts them again (the listener hears those objects twice).
   */
  private WatchRequest resumeRequest() {
    if (!initialEventsDone) {
      return request;
    }
    return request.toBuilder().setResourceVersion(resourceVersion).setSendInitialEvents(false)
        .setAllowBookmarks(true).build();
  }

  @Override
  public void close() {
    closed = true;
    retries.shutdownNow();
    ClientCall<WatchRequest, Message> current = call;
    if (current != null) {
      current.cancel("watch closed", null);
    }
  }
}
