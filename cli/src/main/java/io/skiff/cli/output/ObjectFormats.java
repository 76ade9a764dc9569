package io.skiff.cli.output;

import com.google.protobuf.Message;
import io.skiff.cli.manifest.Json;
import io.skiff.cli.manifest.ProtoEncoder;
import io.skiff.cli.manifest.Yamls;
import io.skiff.client.ResourceType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Objects as YAML or JSON, with apiVersion and kind, as `kubectl get -o yaml|json` prints them. */
public final class ObjectFormats {
  private ObjectFormats() {
  }

  public static Map<String, Object> tree(ResourceType<?> type, Message object) {
    Message.Builder builder = object.toBuilder();
    builder.setField(object.getDescriptorForType().findFieldByName("api_version"), type.apiVersion());
    builder.setField(object.getDescriptorForType().findFieldByName("kind"), type.kind());
    return ProtoEncoder.encode(builder.build());
  }

  /** A v1 List of the trees, as kubectl prints several objects. */
  public static Map<String, Object> list(List<Map<String, Object>> items) {
    Map<String, Object> list = new LinkedHashMap<>();
    list.put("apiVersion", "v1");
    list.put("items", items);
    list.put("kind", "List");
    list.put("metadata", Map.of("resourceVersion", ""));
    return list;
  }

  public static String format(String output, Map<String, Object> tree) {
    return output.equals("json") ? Json.pretty(tree) : Yamls.dump(tree);
  }
}
