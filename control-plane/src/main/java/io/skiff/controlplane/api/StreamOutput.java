package io.skiff.controlplane.api;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import io.grpc.stub.ServerCallStreamObserver;
import io.skiff.controlplane.registry.ApiException;
import io.skiff.controlplane.watch.Delivery;
import io.skiff.controlplane.watch.WatchOutput;

/**
 * A client watch's gRPC stream: each event becomes the kind's WatchEvent
 * message {type, object}. Events shared by many watchers are encoded once
 * ({@link EncodedMessages}).
 */
final class StreamOutput<T extends Message> implements WatchOutput<T> {
  private final ServerCallStreamObserver<Object> stream;
  private final Message eventType;
  private final FieldDescriptor typeField;
  private final FieldDescriptor objectField;

  StreamOutput(ServerCallStreamObserver<Object> stream, Message eventType) {
    this.stream = stream;
    this.eventType = eventType;
    this.typeField = eventType.getDescriptorForType().findFieldByName("type");
    this.objectField = eventType.getDescriptorForType().findFieldByName("object");
  }

  @Override
  public boolean isReady() {
    return stream.isReady();
  }

  @Override
  public void send(String type, T object) {
    stream.onNext(message(type, object));
  }

  @Override
  public void send(Delivery<T> delivery) {
    stream.onNext(delivery.encoded(d -> new EncodedMessages.Encoded(message(d.type(), d.object()).toByteArray())));
  }

  private Message message(String type, T object) {
    return eventType.newBuilderForType().setField(typeField, type).setField(objectField, object).build();
  }

  @Override
  public void fail(ApiException error) {
    stream.onError(error.toStatus());
  }

  @Override
  public void close() {
    stream.onCompleted();
  }
}
