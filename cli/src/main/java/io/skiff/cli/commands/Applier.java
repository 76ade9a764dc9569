package io.skiff.cli.commands;

import com.google.protobuf.Message;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.skiff.api.v1.ObjectMeta;
import io.skiff.cli.CliException;
import io.skiff.cli.Session;
import io.skiff.cli.manifest.ApplyMerge;
import io.skiff.cli.manifest.Json;
import io.skiff.cli.manifest.ProtoDecoder;
import io.skiff.cli.manifest.Yamls;
import io.skiff.cli.output.ObjectFormats;
import io.skiff.client.ResourceClient;
import io.skiff.client.ResourceType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Creates or updates one object so that it matches its manifest, the way
 * kubectl apply does. The manifest as applied is kept in the annotation
 * {@value #LAST_APPLIED}; an update is the three-way merge of the live object,
 * this manifest and the last one ({@link ApplyMerge}), so fields owned by
 * others (status, resourceVersion, defaults, a scheduler's nodeName, a
 * controller's annotations) are kept and applying the same manifest twice
 * changes nothing. A conflicting write in between is retried from the new
 * live object, unless the manifest itself pins a resourceVersion.
 */
final class Applier {
  static final String LAST_APPLIED = "skiff.io/last-applied-configuration";
  private static final int ATTEMPTS = 5;

  enum Outcome {
    CREATED("created"), CONFIGURED("configured"), UNCHANGED("unchanged");

    final String word;

    Outcome(String word) {
      this.word = word;
    }
  }

  /** What happened, and the object as it is (or would be, in a dry run). */
  record Result(Outcome outcome, Message object) {
  }

  private final Session session;
  private final boolean dryRun;

  Applier(Session session, boolean dryRun) {
    this.session = session;
    this.dryRun = dryRun;
  }

  @SuppressWarnings("unchecked")
  Result apply(ResourceType<?> type, Message object) {
    return applyTyped((ResourceType<Message>) type, object);
  }

  private <T extends Message> Result applyTyped(ResourceType<T> type, T desired) {
    ResourceClient<T> client = session.client(type);
    ObjectMeta meta = Resources.meta(desired);
    if (meta.getName().isEmpty()) {
      throw new CliException("apply needs metadata.name (generateName is for create)");
    }
    Map<String, Object> applied = ObjectFormats.tree(type, desired);
    applied.remove("status");
    annotations(applied).remove(LAST_APPLIED);
    String lastApplied = Json.compact(asManifest(applied));
    annotations(applied).put(LAST_APPLIED, lastApplied);
    boolean pinned = meta.getResourceVersion() != 0;
    for (int attempt = 0; ; attempt++) {
      T live;
      try {
        live = client.get(meta.getNamespace(), meta.getName());
      } catch (StatusRuntimeException e) {
        if (e.getStatus().getCode() != Status.Code.NOT_FOUND) {
          throw e;
        }
        T create = forCreate(decode(type, applied));
        if (dryRun) {
          return new Result(Outcome.CREATED, create);
        }
        try {
          return new Result(Outcome.CREATED, client.create(create));
        } catch (StatusRuntimeException raced) {
          if (raced.getStatus().getCode() != Status.Code.ALREADY_EXISTS || attempt + 1 >= ATTEMPTS) {
            throw raced;
          }
          continue;
        }
      }
      Map<String, Object> liveTree = ObjectFormats.tree(type, live);
      T merged = decode(type, ApplyMerge.merge(liveTree, applied, lastApplied(live)));
      if (merged.equals(live)) {
        return new Result(Outcome.UNCHANGED, live);
      }
      if (dryRun) {
        return new Result(Outcome.CONFIGURED, merged);
      }
      try {
        T updated = client.update(merged);
        boolean same = Resources.meta(updated).getResourceVersion() == Resources.meta(live).getResourceVersion();
        return new Result(same ? Outcome.UNCHANGED : Outcome.CONFIGURED, updated);
      } catch (StatusRuntimeException e) {
        if (e.getStatus().getCode() != Status.Code.ABORTED || pinned || attempt + 1 >= ATTEMPTS) {
          throw e;
        }
      }
    }
  }

  /** Metadata only the server sets is dropped: apply means "make it so", not "restore this copy". */
  private static <T extends Message> T forCreate(T object) {
    ObjectMeta meta = Resources.meta(object);
    return Resources.withMeta(object, meta.toBuilder().clearResourceVersion().clearUid().clearCreationTimestamp()
        .clearGeneration().clearDeletionTimestamp().clearDeletionGracePeriodSeconds().build());
  }

  private static Map<String, Object> lastApplied(Message live) {
    String json = Resources.meta(live).getAnnotationsMap().get(LAST_APPLIED);
    if (json == null) {
      return Map.of();
    }
    try {
      Object tree = Yamls.loadOne(json);
      @SuppressWarnings("unchecked")
      Map<String, Object> map = tree instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
      return map;
    } catch (RuntimeException e) {
      return Map.of();
    }
  }

  private static <T extends Message> T decode(ResourceType<T> type, Map<String, Object> tree) {
    ProtoDecoder.Result<T> result = ProtoDecoder.decode(tree, type.prototype());
    if (!result.ok()) {
      throw new CliException("cannot merge with the live " + type.resource() + ": " + result.problems());
    }
    return result.message();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> annotations(Map<String, Object> tree) {
    Map<String, Object> metadata = (Map<String, Object>) tree.computeIfAbsent("metadata", k -> new LinkedHashMap<>());
    return (Map<String, Object>) metadata.computeIfAbsent("annotations", k -> new LinkedHashMap<>());
  }

  /**
   * What is recorded as applied: the manifest without the metadata only the
   * server sets (as when it comes from `get -o yaml`), which a later apply
   * must not "remove".
   */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> asManifest(Map<String, Object> tree) {
    Map<String, Object> copy = new LinkedHashMap<>(tree);
    Map<String, Object> metadata = new LinkedHashMap<>((Map<String, Object>) copy.get("metadata"));
    if (((Map<String, Object>) metadata.get("annotations")).isEmpty()) {
      metadata.remove("annotations");
    }
    for (String serverSet : List.of("uid", "resourceVersion", "generation", "creationTimestamp", "deletionTimestamp",
        "deletionGracePeriodSeconds")) {
      metadata.remove(serverSet);
    }
    copy.put("metadata", metadata);
    return copy;
  }
}
