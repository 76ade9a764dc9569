package io.skiff.client;

import com.google.protobuf.Message;
import io.grpc.MethodDescriptor;
import io.grpc.ServiceDescriptor;
import java.util.List;

/**
 * A kind of object the API serves, as a client needs to know it: its names,
 * its message, and the gRPC service whose methods carry it.
 *
 * @param resource the plural lower-case name ("pods"), used in store keys and messages
 * @param shortNames what users may type instead ("po")
 */
public record ResourceType<T extends Message>(
    String resource,
    String kind,
    String apiVersion,
    boolean namespaced,
    T prototype,
    ServiceDescriptor service,
    List<String> shortNames) {

  /** The service's method with this bare name (Create, Get, List, Update, UpdateStatus, Delete, Watch), or null. */
  public MethodDescriptor<?, ?> method(String name) {
    for (MethodDescriptor<?, ?> method : service.getMethods()) {
      if (name.equals(method.getBareMethodName())) {
        return method;
      }
    }
    return null;
  }

  public boolean hasStatus() {
    return method("UpdateStatus") != null;
  }

  /** True when {@code name} is this type's resource, kind, singular or short name, in any case. */
  public boolean isNamed(String name) {
    String n = name.toLowerCase(java.util.Locale.ROOT);
    return n.equals(resource) || n.equals(kind.toLowerCase(java.util.Locale.ROOT)) || shortNames.contains(n);
  }
}
