package io.skiff.store.etcd;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.skiff.store.StoreException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Completes gRPC calls from store futures, mapping store errors to statuses in one place. */
final class Replies {
  private static final Logger log = LoggerFactory.getLogger(Replies.class);

  private Replies() {
  }

  static <T> void reply(CompletableFuture<T> future, StreamObserver<T> observer) {
    future.whenComplete((value, error) -> {
      if (error != null) {
        observer.onError(toStatus(error));
      } else {
        observer.onNext(value);
        observer.onCompleted();
      }
    });
  }

  static StatusRuntimeException toStatus(Throwable error) {
    Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    if (cause instanceof StoreException e) {
      return Status.fromCodeValue(e.code().grpcCode).withDescription(e.getMessage()).asRuntimeException();
    }
    if (cause instanceof StatusRuntimeException e) {
      return e;
    }
    log.error("unexpected failure serving a request", cause);
    return Status.INTERNAL.withDescription("etcdserver: " + cause).asRuntimeException();
  }
}
