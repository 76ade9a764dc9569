package io.skiff.controlplane.bench;

import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The cost of a new connection: new channels opened one after another, each timed from its creation
 * to READY (TCP connect, the TLS handshake when secure, the HTTP/2 preface), then closed; the first
 * tenth (at least 5) warm the client's TLS code up and are not counted. A bearer token costs nothing
 * here: it is checked per call, not per connection.
 */
final class ChannelHandshakes {
  private final ApiConnections connections;
  private final long timeoutMs;

  ChannelHandshakes(ApiConnections connections, long timeoutMs) {
    this.connections = connections;
    this.timeoutMs = timeoutMs;
  }

  /** Opens {@code count} channels to {@code api} in turn; their times to READY, or null if one did not get there. */
  LatencyLog.Percentiles measure(String api, int count, double maxSeconds) throws InterruptedException {
    LatencyLog times = new LatencyLog();
    long deadline = System.nanoTime() + (long) (maxSeconds * 1e9);
    int warm = Math.max(5, count / 10);
    for (int i = 0; i < warm + count && System.nanoTime() - deadline < 0; i++) {
      ManagedChannel channel = connections.open(api, connections.security());
      long start = System.nanoTime();
      boolean ready = awaitReady(channel, start + TimeUnit.MILLISECONDS.toNanos(timeoutMs));
      long took = System.nanoTime() - start;
      channel.shutdownNow();
      if (!ready) {
        System.err.printf("channel %d to %s not READY within %d ms (state %s)%n", i, api, timeoutMs,
            channel.getState(false));
        return null;
      }
      if (i >= warm) {
        times.record(took);
      }
    }
    return LatencyLog.merge(List.of(times));
  }

  /** Waits on state changes (not polling, which would add its period to every time). */
  private static boolean awaitReady(ManagedChannel channel, long deadline) throws InterruptedException {
    ConnectivityState state = channel.getState(true);
    while (state != ConnectivityState.READY) {
      if (state == ConnectivityState.TRANSIENT_FAILURE || state == ConnectivityState.SHUTDOWN) {
        return false;
      }
      CountDownLatch changed = new CountDownLatch(1);
      channel.notifyWhenStateChanged(state, changed::countDown);
      if (!changed.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
        return false;
      }
      state = channel.getState(true);
    }
    return true;
  }
}
