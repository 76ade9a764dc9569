package io.skiff.controlplane.api;

import com.google.protobuf.Message;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCallHandler;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.skiff.api.v1.DeleteRequest;
import io.skiff.api.v1.GetRequest;
import io.skiff.api.v1.ListRequest;
import io.skiff.api.v1.ObjectMeta;
import io.skiff.api.v1.WatchRequest;
import io.skiff.controlplane.auth.Authorizer;
import io.skiff.controlplane.auth.Verb;
import io.skiff.controlplane.registry.ApiException;
import io.skiff.controlplane.registry.ObjectFilter;
import io.skiff.controlplane.registry.Registry;
import io.skiff.controlplane.watch.CacheWatcher;
import io.skiff.controlplane.watch.WatchCache;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves one kind's generated gRPC service (e.g. {@code skiff.api.v1.Pods})
 * from the generic registry and watch cache. Methods are bound by name, and
 * the List and WatchEvent messages are built through their descriptors, so
 * every kind shares this one class. A kind's own methods beyond the common
 * verbs (Pods/Logs) are handed in by name. Every verb is authorized (see
 * {@link CallAuthorization}) before the registry is asked anything.
 */
public final class KindService<T extends Message> {
  private static final Logger log = LoggerFactory.getLogger(KindService.class);

  private final Registry<T> registry;
  private final WatchCache<T> cache;
  private final CallAuthorization<T> access;

  public KindService(Registry<T> registry, WatchCache<T> cache, Authorizer authorizer) {
    this.registry = registry;
    this.cache = cache;
    this.access = new CallAuthorization<>(authorizer, registry, cache);
  }

  public ServerServiceDefinition bind(ServiceDescriptor service) {
    return bind(service, Map.of());
  }

  /** Binds the common verbs, and {@code extra} handlers by bare method name. */
  public ServerServiceDefinition bind(ServiceDescriptor generated, Map<String, ServerCallHandler<?, ?>> extra) {
    ServiceDescriptor service = EncodedMessages.allowEncoded(generated, "Watch");
    ServerServiceDefinition.Builder definition = ServerServiceDefinition.builder(service);
    for (MethodDescriptor<?, ?> method : service.getMethods()) {
      definition.addMethod(handler(method, extra.get(method.getBareMethodName())));
    }
    return definition.build();
  }

  @SuppressWarnings("unchecked")
  private <Q, R> io.grpc.ServerMethodDefinition<Q, R> handler(MethodDescriptor<Q, R> method, ServerCallHandler<?, ?> own) {
    if (own != null) {
      return io.grpc.ServerMethodDefinition.create(method, (ServerCallHandler<Q, R>) own);
    }
    Message responseType = prototype(method);
    ServerCallHandler<Q, R> handler = switch (method.getBareMethodName()) {
      case "Create" -> unary(method, request -> {
        checkObject(Verb.CREATE, (T) request);
        return registry.create((T) request);
      });
      case "Get" -> unary(method, request -> {
        GetRequest get = (GetRequest) request;
        access.check(Verb.GET, get.getNamespace(), get.getName(), null);
        return registry.get(get.getNamespace(), get.getName());
      });
      case "List" -> unary(method, request -> {
        ListRequest list = (ListRequest) request;
        access.checkCollection(Verb.LIST, list.getNamespace(), list.getFieldSelector());
        Registry.ListPage<T> page = registry.list(list);
        return ListMessages.list(responseType, registry.kind(), page);
      });
      case "Update" -> unary(method, request -> {
        checkObject(Verb.UPDATE, (T) request);
        return registry.update((T) request);
      });
      case "UpdateStatus" -> unary(method, request -> {
        checkObject(Verb.UPDATE_STATUS, (T) request);
        return registry.updateStatus((T) request);
      });
      case "Delete" -> unary(method, request -> {
        DeleteRequest delete = (DeleteRequest) request;
        access.check(Verb.DELETE, delete.getNamespace(), delete.getName(), null);
        return registry.delete(delete);
      });
      case "Watch" -> ServerCalls.asyncServerStreamingCall((request, observer) ->
          watch((WatchRequest) request, (StreamObserver<Object>) observer, responseType));
      default -> ServerCalls.asyncUnaryCall((request, observer) -> observer.onError(Status.UNIMPLEMENTED
          .withDescription(method.getFullMethodName() + " is not served by this master yet").asRuntimeException()));
    };
    return io.grpc.ServerMethodDefinition.create(method, handler);
  }

  private void checkObject(Verb verb, T object) {
    ObjectMeta meta = registry.kind().meta(object);
    // a generated name is not known yet: the rules that read names (a node's own objects) see none
    access.check(verb, meta.getNamespace(), meta.getName(), verb == Verb.UPDATE_STATUS ? object : null);
  }

  private static Message prototype(MethodDescriptor<?, ?> method) {
    return (Message) ((MethodDescriptor.PrototypeMarshaller<?>) method.getResponseMarshaller()).getMessagePrototype();
  }

  @SuppressWarnings("unchecked")
  private static <Q, R> ServerCallHandler<Q, R> unary(MethodDescriptor<Q, R> method, Function<Object, Message> call) {
    return ServerCalls.asyncUnaryCall((request, observer) -> {
      try {
        observer.onNext((R) call.apply(request));
        observer.onCompleted();
      } catch (ApiException e) {
        observer.onError(e.toStatus());
      } catch (RuntimeException e) {
        log.warn("{} failed", method.getFullMethodName(), e);
        observer.onError(Status.INTERNAL.withDescription(e.toString()).asRuntimeException());
      }
    });
  }

  private void watch(WatchRequest request, StreamObserver<Object> observer, Message eventType) {
    ServerCallStreamObserver<Object> stream = (ServerCallStreamObserver<Object>) observer;
    try {
      access.checkCollection(Verb.WATCH, request.getNamespace(), request.getFieldSelector());
      ObjectFilter<T> filter = ObjectFilter.of(registry.kind(), request.getNamespace(), request.getLabelSelector(),
          request.getFieldSelector());
      CacheWatcher<T> watcher = cache.watch(filter, request.getResourceVersion(), request.getAllowBookmarks(),
          request.getSendInitialEvents(), new StreamOutput<>(stream, eventType));
      stream.setOnReadyHandler(watcher::wake);
      stream.setOnCancelHandler(watcher::cancel);
    } catch (ApiException e) {
      stream.onError(e.toStatus());
    }
  }
}
