package io.skiff.controlplane.registry;

import com.google.protobuf.ByteString;
import io.grpc.Context;
import io.grpc.Status;
import io.skiff.client.FencingToken;
import io.skiff.proto.etcd.Compare;
import io.skiff.proto.etcd.PutRequest;
import io.skiff.proto.etcd.RangeRequest;
import io.skiff.proto.etcd.RangeResponse;
import io.skiff.proto.etcd.RequestOp;
import java.nio.charset.StandardCharsets;

/**
 * Fencing of writers by a lease (etcd's election revisions, in Kubernetes'
 * terms): each lease has a fence key beside it that moves (is rewritten) in
 * the same transaction as any write that gives the lease a new holder, so its
 * mod_revision is the revision of the latest acquisition. A write that carries
 * a {@link FencingToken} is made only if the fence has not moved since that
 * acquisition — checked by the store in the write's own transaction, so a
 * deposed leader's late write can never land, whatever its clock or network.
 */
public final class Fence {
  /** The token of the call being served, if its client sent one. */
  public static final Context.Key<FencingToken> TOKEN = Context.key("skiff-fencing-token");

  private Fence() {
  }

  /** Outside /registry/: a fence is no object and is never listed or watched. */
  static ByteString key(String namespace, String name) {
    return ByteString.copyFrom("/skiff/fences/leases/" + namespace + "/" + name, StandardCharsets.UTF_8);
  }

  static FencingToken current() {
    return TOKEN.get();
  }

  /** Moves the fence of lease {@code namespace/name} to the write this op is part of. */
  static RequestOp move(String namespace, String name, String holder) {
    return RequestOp.newBuilder().setRequestPut(PutRequest.newBuilder().setKey(key(namespace, name))
        .setValue(ByteString.copyFromUtf8(holder))).build();
  }

  static Compare unmoved(FencingToken token) {
    return Compare.newBuilder().setKey(key(token.namespace(), token.name())).setTarget(Compare.CompareTarget.MOD)
        .setResult(Compare.CompareResult.EQUAL).setModRevision(token.revision()).build();
  }

  /** Reads the fence when a write fails, to tell a moved fence from a conflict on the object. */
  static RequestOp read(FencingToken token) {
    return RequestOp.newBuilder().setRequestRange(RangeRequest.newBuilder()
        .setKey(key(token.namespace(), token.name())).setKeysOnly(true)).build();
  }

  /** Throws FAILED_PRECONDITION if the fence read by {@link #read} has moved past the token. */
  static void check(FencingToken token, RangeResponse fence) {
    long at = fence.getKvsCount() == 0 ? 0 : fence.getKvs(0).getModRevision();
    if (at != token.revision()) {
      throw new ApiException(Status.Code.FAILED_PRECONDITION, "fencing token " + token.format()
          + " is stale: lease " + token.namespace() + "/" + token.name()
          + (at == 0 ? " was never acquired" : " changed holder at revision " + at)
          + "; this writer no longer holds it");
    }
  }
}
