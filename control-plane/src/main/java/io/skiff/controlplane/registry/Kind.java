package io.skiff.controlplane.registry;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.skiff.api.v1.ObjectMeta;
import io.skiff.client.ResourceType;
import java.nio.charset.StandardCharsets;

/**
 * One kind of object: its names, where it lives in the store, and generic
 * access to the parts every kind shares (api_version, kind, metadata, spec,
 * status) through the protobuf descriptor, so the registry needs no per-kind code.
 */
public final class Kind<T extends Message> {
  private final ResourceType<T> type;
  private final Strategy<T> strategy;
  private final FieldDescriptor apiVersionField;
  private final FieldDescriptor kindField;
  private final FieldDescriptor metadataField;
  private final FieldDescriptor specField;
  private final FieldDescriptor statusField;

  public Kind(ResourceType<T> type, Strategy<T> strategy) {
    this.type = type;
    this.strategy = strategy;
    var descriptor = type.prototype().getDescriptorForType();
    this.apiVersionField = descriptor.findFieldByName("api_version");
    this.kindField = descriptor.findFieldByName("kind");
    this.metadataField = descriptor.findFieldByName("metadata");
    this.specField = descriptor.findFieldByName("spec");
    this.statusField = descriptor.findFieldByName("status");
    if (apiVersionField == null || kindField == null || metadataField == null) {
      throw new IllegalArgumentException(descriptor.getFullName() + " lacks api_version, kind or metadata");
    }
  }

  /** The names, message and service, as clients know them. */
  public ResourceType<T> type() {
    return type;
  }

  /** The plural lower-case name ("pods"): the store key segment. */
  public String resource() {
    return type.resource();
  }

  public String kind() {
    return type.kind();
  }

  public String apiVersion() {
    return type.apiVersion();
  }

  public boolean namespaced() {
    return type.namespaced();
  }

  public boolean hasStatus() {
    return statusField != null;
  }

  public Strategy<T> strategy() {
    return strategy;
  }

  public T prototype() {
    return type.prototype();
  }

  // ---- store layout: /registry/<resource>/[<namespace>/]<name> ----

  public ByteString prefix() {
    return ByteString.copyFromUtf8("/registry/" + type.resource() + "/");
  }

  /** Every object of one namespace, or every object when namespace is empty. */
  public ByteString prefix(String namespace) {
    return type.namespaced() && !namespace.isEmpty() ? prefix().concat(ByteString.copyFromUtf8(namespace + "/")) : prefix();
  }

  public ByteString key(String namespace, String name) {
    return prefix(namespace).concat(ByteString.copyFromUtf8(name));
  }

  /** The namespace a key belongs to ("" for cluster-scoped kinds). */
  public String namespaceOf(ByteString key) {
    if (!type.namespaced()) {
      return "";
    }
    String rest = key.substring(prefix().size()).toString(StandardCharsets.UTF_8);
    int slash = rest.indexOf('/');
    return slash < 0 ? "" : rest.substring(0, slash);
  }

  // ---- reading and writing the shared parts ----

  @SuppressWarnings("unchecked")
  public T parse(ByteString bytes) {
    try {
      return (T) type.prototype().getParserForType().parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("stored " + type.kind() + " is not decodable", e);
    }
  }

  public ObjectMeta meta(T object) {
    return (ObjectMeta) object.getField(metadataField);
  }

  /** The spec, or null for kinds without one (Event). */
  public Message spec(T object) {
    return specField == null ? null : (Message) object.getField(specField);
  }

  public Message status(T object) {
    return statusField == null ? null : (Message) object.getField(statusField);
  }

  public String typeApiVersion(T object) {
    return (String) object.getField(apiVersionField);
  }

  public String typeKind(T object) {
    return (String) object.getField(kindField);
  }

  public T withMeta(T object, ObjectMeta meta) {
    return set(object, metadataField, meta);
  }

  public T withStatus(T object, Message status) {
    return statusField == null ? object : set(object, statusField, status);
  }

  /** The object as clients see it: api_version and kind filled in, resource_version given. */
  public T forClient(T object, long resourceVersion) {
    @SuppressWarnings("unchecked")
    T out = (T) object.toBuilder()
        .setField(apiVersionField, type.apiVersion())
        .setField(kindField, type.kind())
        .setField(metadataField, meta(object).toBuilder().setResourceVersion(resourceVersion).build())
        .build();
    return out;
  }

  /** The object as stored: no type fields and no resource_version (the store's mod_revision is it). */
  public T forStore(T object) {
    @SuppressWarnings("unchecked")
    T out = (T) object.toBuilder()
        .clearField(apiVersionField)
        .clearField(kindField)
        .setField(metadataField, meta(object).toBuilder().clearResourceVersion().build())
        .build();
    return out;
  }

  @SuppressWarnings("unchecked")
  private T set(T object, FieldDescriptor field, Object value) {
    return (T) object.toBuilder().setField(field, value).build();
  }

  /** "Pod", or "Pod \"web\"", for messages. */
  public String describe(String name) {
    return type.kind() + " \"" + name + "\"";
  }

  @Override
  public String toString() {
    return type.resource();
  }
}
