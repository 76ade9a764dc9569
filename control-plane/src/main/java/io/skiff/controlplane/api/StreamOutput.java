package io.skiff.controlplane.api;

import com.google.protobuf.Message;
import io.grpc.stub.ServerCallStreamObserver;
import io.skiff.controlplane.registry.ApiException;
import io.skiff.controlplane.watch.WatchOutput;

/** A client watch's gRPC stream: each event becomes the kind's WatchEvent message {type, object}. */
final class StreamOutput<T extends Message> implements WatchOutput<T> {
  private final ServerCallStreamObserver<Message> stream;
  private final Message eventType;
  private final com.google.protobuf.Descriptors.FieldDescriptor typeField;
  private final com.google.protobuf.Descriptors.FieldDescriptor objectField;

  StreamOutput(ServerCallStreamObserver<Message> stream, Message eventType) {
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
    stream.onNext(eventType.newBuilderForType().setField(typeField, type).setField(objectField, object).build());
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
