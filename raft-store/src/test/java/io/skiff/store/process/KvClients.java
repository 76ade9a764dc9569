package io.skiff.store.process;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.skiff.proto.etcd.KVGrpc;
import io.skiff.proto.etcd.RangeRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * etcd KV stubs for each member of a cluster, one plaintext gRPC channel per member. Every stub carries a
 * deadline, so a call to a killed or leaderless member ends in a bounded time instead of hanging.
 */
final class KvClients implements AutoCloseable {

  private final List<ManagedChannel> channels;
  private final Duration deadline;

  KvClients(List<String> endpoints, Duration deadline) {
    this.channels = endpoints.stream()
        .map(endpoint -> (ManagedChannel) NettyChannelBuilder.forTarget(endpoint).usePlaintext().build())
        .toList();
    this.deadline = deadline;
  }

  int size() {
    return channels.size();
  }

  /** A stub for one call to {@code member}; the deadline starts now. */
  KVGrpc.KVBlockingStub kv(int member) {
    return KVGrpc.newBlockingStub(channels.get(member))
        .withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** After a member restarts: connect now rather than when gRPC's reconnect backoff runs out. */
  void reconnect(int member) {
    channels.get(member).resetConnectBackoff();
  }

  void reconnectAll() {
    channels.forEach(ManagedChannel::resetConnectBackoff);
  }

  static ByteString bytes(String s) {
    return ByteString.copyFrom(s, StandardCharsets.UTF_8);
  }

  /** Every key starting with {@code prefix} (which must not end in byte 0xff). */
  static RangeRequest prefix(String prefix, boolean serializable) {
    byte[] end = prefix.getBytes(StandardCharsets.UTF_8);
    end[end.length - 1]++;
    return RangeRequest.newBuilder()
        .setKey(bytes(prefix))
        .setRangeEnd(ByteString.copyFrom(end))
        .setSerializable(serializable)
        .build();
  }

  @Override
  public void close() {
    channels.forEach(ManagedChannel::shutdownNow);
    for (ManagedChannel channel : channels) {
      try {
        channel.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
