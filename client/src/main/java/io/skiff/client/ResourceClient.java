package io.skiff.client;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.MethodDescriptor;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import io.skiff.api.v1.DeleteRequest;
import io.skiff.api.v1.GetRequest;
import io.skiff.api.v1.ListMeta;
import io.skiff.api.v1.ListRequest;
import io.skiff.api.v1.ObjectMeta;
import io.skiff.api.v1.WatchRequest;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The verbs of one kind over a channel, typed, whatever the kind: methods are
 * found by name in the kind's service and its List and WatchEvent messages are
 * read through their descriptors. Calls throw {@link io.grpc.StatusRuntimeException}.
 */
public final class ResourceClient<T extends Message> {
  private final Channel channel;
  private final ResourceType<T> type;
  private final long timeoutMillis;

  public ResourceClient(Channel channel, ResourceType<T> type, long timeoutMillis) {
    this.channel = channel;
    this.type = type;
    this.timeoutMillis = timeoutMillis;
  }

  public ResourceType<T> type() {
    return type;
  }

  public T create(T object) {
    return call("Create", object);
  }

  public T get(String namespace, String name) {
    return call("Get", GetRequest.newBuilder().setNamespace(namespace).setName(name).build());
  }

  public T update(T object) {
    return call("Update", object);
  }

  public T updateStatus(T object) {
    return call("UpdateStatus", object);
  }

  public T delete(DeleteRequest request) {
    return call("Delete", request);
  }

  /** One page. */
  public Page<T> list(ListRequest request) {
    Message list = call("List", request);
    var descriptor = list.getDescriptorForType();
    @SuppressWarnings("unchecked")
    List<T> items = (List<T>) list.getField(descriptor.findFieldByName("items"));
    return new Page<>(items, (ListMeta) list.getField(descriptor.findFieldByName("metadata")));
  }

  /** A page of a List and the list's metadata (its resource_version, the continue token). */
  public record Page<T>(List<T> items, ListMeta meta) {
  }

  /** One Watch stream; the listener hears each event, then how the stream ended. Cancel the returned call to stop. */
  @SuppressWarnings("unchecked")
  public ClientCall<WatchRequest, Message> watch(WatchRequest request, WatchListener<T> listener) {
    MethodDescriptor<WatchRequest, Message> method = (MethodDescriptor<WatchRequest, Message>) type.method("Watch");
    ClientCall<WatchRequest, Message> call = channel.newCall(method, CallOptions.DEFAULT);
    ClientCalls.asyncServerStreamingCall(call, request, new StreamObserver<>() {
      @Override
      public void onNext(Message event) {
        var descriptor = event.getDescriptorForType();
        FieldDescriptor typeField = descriptor.findFieldByName("type");
        FieldDescriptor objectField = descriptor.findFieldByName("object");
        listener.onEvent((String) event.getField(typeField), (T) event.getField(objectField));
      }

      @Override
      public void onError(Throwable t) {
        listener.onEnd(io.grpc.Status.fromThrowable(t));
      }

      @Override
      public void onCompleted() {
        listener.onEnd(io.grpc.Status.OK);
      }
    });
    return call;
  }

  /** The metadata of an object of this kind. */
  public ObjectMeta meta(T object) {
    return (ObjectMeta) object.getField(object.getDescriptorForType().findFieldByName("metadata"));
  }

  @SuppressWarnings("unchecked")
  private <R> R call(String verb, Message request) {
    MethodDescriptor<Message, Message> method = (MethodDescriptor<Message, Message>) type.method(verb);
    if (method == null) {
      throw io.grpc.Status.UNIMPLEMENTED.withDescription(type.resource() + " have no " + verb).asRuntimeException();
    }
    return (R) ClientCalls.blockingUnaryCall(channel, method,
        CallOptions.DEFAULT.withDeadlineAfter(timeoutMillis, TimeUnit.MILLISECONDS), request);
  }
}
