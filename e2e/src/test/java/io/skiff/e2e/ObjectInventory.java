package io.skiff.e2e;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import io.grpc.Channel;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.skiff.api.v1.ListRequest;
import io.skiff.api.v1.ObjectMeta;
import io.skiff.client.ResourceClient;
import io.skiff.client.ResourceType;
import io.skiff.client.ResourceTypes;
import io.skiff.pki.TlsFiles;
import io.skiff.proto.etcd.KVGrpc;
import io.skiff.proto.etcd.RangeRequest;
import io.skiff.proto.etcd.RangeResponse;
import io.skiff.proto.mvcc.KeyValue;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/** Every object of a cluster, as the API lists it and as the store holds it: what a restart must bring back. */
final class ObjectInventory {
  private static final ByteString REGISTRY = ByteString.copyFromUtf8("/registry/");
  private static final ByteString REGISTRY_END = ByteString.copyFromUtf8("/registry0");

  private ObjectInventory() {
  }

  /** One object as the API lists it; {@code listedAt} is its kind's List resourceVersion. */
  record Listed(String key, String uid, long resourceVersion, long listedAt) {
  }

  /** Every object of every kind, in every namespace, keyed "resource/namespace/name". */
  static Map<String, Listed> list(Channel channel) {
    Map<String, Listed> all = new TreeMap<>();
    for (ResourceType<?> type : ResourceTypes.ALL) {
      listInto(all, new ResourceClient<>(channel, type, 10_000));
    }
    return all;
  }

  private static <T extends Message> void listInto(Map<String, Listed> all, ResourceClient<T> client) {
    ResourceClient.Page<T> page = client.list(ListRequest.getDefaultInstance());
    for (T object : page.items()) {
      ObjectMeta meta = client.meta(object);
      String key = client.type().resource() + "/" + meta.getNamespace() + "/" + meta.getName();
      all.put(key, new Listed(key, meta.getUid(), meta.getResourceVersion(), page.meta().getResourceVersion()));
    }
  }

  /**
   * The store's objects (keys, revisions, versions, bytes) at {@code revision}, read through a store
   * endpoint over TLS with {@code client}: the etcd port takes group system:masters only (the admin).
   */
  static StoreRead store(String storeEndpoint, TlsFiles client, long revision) {
    ManagedChannel channel = NettyChannelBuilder.forTarget(storeEndpoint).sslContext(client.forClient()).build();
    try {
      RangeResponse response = KVGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
          .range(RangeRequest.newBuilder().setKey(REGISTRY).setRangeEnd(REGISTRY_END).setRevision(revision).build());
      return new StoreRead(response.getHeader().getRevision(), response.getKvsList());
    } finally {
      channel.shutdownNow();
    }
  }

  /** What a Range answered: the store's revision then, and the key-values at the revision asked for. */
  record StoreRead(long revision, List<KeyValue> kvs) {
  }
}
