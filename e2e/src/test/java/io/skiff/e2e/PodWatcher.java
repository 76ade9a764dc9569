package io.skiff.e2e;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.skiff.api.v1.ListRequest;
import io.skiff.api.v1.Pod;
import io.skiff.api.v1.WatchRequest;
import io.skiff.client.ResourceClient;
import io.skiff.client.ResourceTypes;
import io.skiff.client.ResumingWatch;
import io.skiff.client.WatchListener;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A client that watches the pods of a namespace the way a controller does: List, then the client
 * library's {@link ResumingWatch} from the list's resourceVersion, over a channel to every master.
 * It records every change it hears (bookmarks aside), and counts the Watch streams it opened (an
 * interceptor on its channel): more than one means the library resumed the watch on another stream,
 * which the application does not see but a test of "nothing visible" must.
 */
final class PodWatcher implements AutoCloseable {
  private final List<Change> seen = new ArrayList<>();
  private final AtomicInteger streams = new AtomicInteger();
  private final ResumingWatch<Pod> watch;
  private volatile Status ended;

  PodWatcher(Channel channel, String namespace) {
    ResourceClient<Pod> pods = new ResourceClient<>(ClientInterceptors.intercept(channel, new StreamCounter()),
        ResourceTypes.PODS, 10_000);
    long listed = pods.list(ListRequest.newBuilder().setNamespace(namespace).build()).meta().getResourceVersion();
    this.watch = new ResumingWatch<>(pods, WatchRequest.newBuilder().setNamespace(namespace)
        .setResourceVersion(listed).setAllowBookmarks(true).build(), new WatchListener<>() {
          @Override
          public void onEvent(String type, Pod pod) {
            if (!type.equals("BOOKMARK")) {
              record(new Change(pod.getMetadata().getName(), type, pod.getMetadata().getResourceVersion()));
            }
          }

          @Override
          public void onEnd(Status status) {
            ended = status;
          }
        });
  }

  private synchronized void record(Change change) {
    seen.add(change);
  }

  synchronized List<Change> seen() {
    return List.copyOf(seen);
  }

  synchronized int count() {
    return seen.size();
  }

  /** Watch streams opened after the first: the library's resumptions. */
  int resumptions() {
    return streams.get() - 1;
  }

  /** Why the watch stopped for good (the library gave up), or null while it runs. */
  Status ended() {
    return ended;
  }

  @Override
  public void close() {
    watch.close();
  }

  private final class StreamCounter implements ClientInterceptor {
    @Override
    public <Q, A> ClientCall<Q, A> interceptCall(MethodDescriptor<Q, A> method, CallOptions options, Channel next) {
      if (method.getBareMethodName().equals("Watch")) {
        streams.incrementAndGet();
      }
      return next.newCall(method, options);
    }
  }
}
