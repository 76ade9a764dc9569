package io.skiff.controlplane.registry;

import io.grpc.Status;
import io.skiff.store.StoreException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/** Waits for a store call and turns its failure into what an API client should see. */
final class StoreCalls {
  private StoreCalls() {
  }

  static <R> R await(CompletableFuture<R> call) {
    try {
      return call.join();
    } catch (CompletionException e) {
      throw translate(e.getCause());
    }
  }

  static RuntimeException translate(Throwable failure) {
    if (failure instanceof ApiException api) {
      return api;
    }
    if (failure instanceof StoreException store) {
      Status.Code code = switch (store.code()) {
        case UNAVAILABLE, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED, OUT_OF_RANGE -> Status.fromCodeValue(store.code().grpcCode).getCode();
        default -> Status.Code.INTERNAL;
      };
      return new ApiException(code, "store: " + store.getMessage());
    }
    return failure instanceof RuntimeException r ? r : new IllegalStateException(failure);
  }
}
