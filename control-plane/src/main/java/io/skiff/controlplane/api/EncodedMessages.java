package io.skiff.controlplane.api;

import io.grpc.MethodDescriptor;
import io.grpc.ServiceDescriptor;
import java.io.ByteArrayInputStream;
import java.io.InputStream;

/**
 * Lets a server-streaming method send messages already encoded: its response
 * marshaller passes {@link Encoded} bytes through and encodes anything else as
 * the generated marshaller does. The service keeps its schema, so reflection
 * describes it unchanged.
 */
final class EncodedMessages {
  private EncodedMessages() {
  }

  /** A message's wire bytes. */
  record Encoded(byte[] bytes) {
  }

  /** {@code service} with {@code methodName}'s responses allowed to be {@link Encoded}. */
  static ServiceDescriptor allowEncoded(ServiceDescriptor service, String methodName) {
    ServiceDescriptor.Builder copy = ServiceDescriptor.newBuilder(service.getName())
        .setSchemaDescriptor(service.getSchemaDescriptor());
    for (MethodDescriptor<?, ?> method : service.getMethods()) {
      copy.addMethod(method.getBareMethodName().equals(methodName) ? passThrough(method) : method);
    }
    return copy.build();
  }

  private static <Q, R> MethodDescriptor<Q, Object> passThrough(MethodDescriptor<Q, R> method) {
    MethodDescriptor.Marshaller<R> generated = method.getResponseMarshaller();
    return method.toBuilder(method.getRequestMarshaller(), new Marshaller<>(generated)).build();
  }

  private record Marshaller<R>(MethodDescriptor.Marshaller<R> generated)
      implements MethodDescriptor.PrototypeMarshaller<Object> {
    @Override
    @SuppressWarnings("unchecked")
    public InputStream stream(Object value) {
      return value instanceof Encoded encoded ? new ByteArrayInputStream(encoded.bytes()) : generated.stream((R) value);
    }

    @Override
    public Object parse(InputStream stream) {
      return generated.parse(stream);
    }

    @Override
    public Object getMessagePrototype() {
      return ((MethodDescriptor.PrototypeMarshaller<?>) generated).getMessagePrototype();
    }

    @Override
    public Class<Object> getMessageClass() {
      return Object.class;
    }
  }
}
