package io.skiff.store.etcd;

import io.grpc.stub.StreamObserver;
import io.skiff.proto.etcd.CompactionRequest;
import io.skiff.proto.etcd.CompactionResponse;
import io.skiff.proto.etcd.DeleteRangeRequest;
import io.skiff.proto.etcd.DeleteRangeResponse;
import io.skiff.proto.etcd.KVGrpc;
import io.skiff.proto.etcd.PutRequest;
import io.skiff.proto.etcd.PutResponse;
import io.skiff.proto.etcd.RangeRequest;
import io.skiff.proto.etcd.RangeResponse;
import io.skiff.proto.etcd.TxnRequest;
import io.skiff.proto.etcd.TxnResponse;
import io.skiff.store.Store;
import jakarta.inject.Inject;

/** etcd's KV service over the {@link Store}. */
public final class KvService extends KVGrpc.KVImplBase {
  private final Store store;

  @Inject
  public KvService(Store store) {
    this.store = store;
  }

  @Override
  public void range(RangeRequest request, StreamObserver<RangeResponse> observer) {
    Replies.reply(store.range(request), observer);
  }

  @Override
  public void put(PutRequest request, StreamObserver<PutResponse> observer) {
    Replies.reply(store.put(request), observer);
  }

  @Override
  public void deleteRange(DeleteRangeRequest request, StreamObserver<DeleteRangeResponse> observer) {
    Replies.reply(store.deleteRange(request), observer);
  }

  @Override
  public void txn(TxnRequest request, StreamObserver<TxnResponse> observer) {
    Replies.reply(store.txn(request), observer);
  }

  @Override
  public void compact(CompactionRequest request, StreamObserver<CompactionResponse> observer) {
    Replies.reply(store.compact(request), observer);
  }
}
