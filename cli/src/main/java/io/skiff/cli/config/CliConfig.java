package io.skiff.cli.config;

import io.skiff.cli.CliException;
import io.skiff.cli.manifest.Yamls;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The command's configuration file, like a kubeconfig cut down to what Skiff
 * needs: named contexts, each a list of master endpoints and a namespace, and
 * which one is current.
 *
 * <pre>
 * current-context: local
 * contexts:
 * - name: local
 *   endpoints: [127.0.0.1:6443, 127.0.0.1:6444, 127.0.0.1:6445]
 *   namespace: default
 * </pre>
 *
 * Unknown keys are errors, as in manifests. Not thread-safe.
 */
public final class CliConfig {
  /** A named place to work: the masters and the namespace used when none is given. */
  public record Context(String name, List<String> endpoints, String namespace) {
    Map<String, Object> toTree() {
      Map<String, Object> tree = new LinkedHashMap<>();
      tree.put("name", name);
      tree.put("endpoints", endpoints);
      if (namespace != null && !namespace.isEmpty()) {
        tree.put("namespace", namespace);
      }
      return tree;
    }
  }

  private String currentContext;
  private final Map<String, Context> contexts = new LinkedHashMap<>();

  /** The file at {@code path}, or an empty configuration when there is none. */
  public static CliConfig load(Path path) {
    CliConfig config = new CliConfig();
    if (!Files.exists(path)) {
      return config;
    }
    Object tree;
    try {
      tree = Yamls.loadOne(Files.readString(path, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new CliException("cannot read the config file " + path + ": " + e.getMessage());
    } catch (RuntimeException e) {
      throw new CliException("config file " + path + ": " + e.getMessage());
    }
    if (tree == null) {
      return config;
    }
    if (!(tree instanceof Map<?, ?> map)) {
      throw new CliException("config file " + path + ": expected an object with current-context and contexts");
    }
    for (Map.Entry<?, ?> entry : map.entrySet()) {
      String key = String.valueOf(entry.getKey());
      switch (key) {
        case "current-context" -> config.currentContext = string(path, key, entry.getValue());
        case "contexts" -> {
          List<?> list = entry.getValue() == null ? List.of() : listOf(path, key, entry.getValue());
          for (int i = 0; i < list.size(); i++) {
            Context context = context(path, "contexts[" + i + "]", list.get(i));
            config.contexts.put(context.name(), context);
          }
        }
        default -> throw new CliException("config file " + path + ": " + key
            + ": unknown field; expected current-context or contexts");
      }
    }
    return config;
  }

  private static Context context(Path path, String where, Object value) {
    if (!(value instanceof Map<?, ?> map)) {
      throw new CliException("config file " + path + ": " + where + ": expected an object with name and endpoints");
    }
    String name = null;
    String namespace = null;
    List<String> endpoints = new ArrayList<>();
    for (Map.Entry<?, ?> entry : map.entrySet()) {
      String key = String.valueOf(entry.getKey());
      switch (key) {
        case "name" -> name = string(path, where + ".name", entry.getValue());
        case "namespace" -> namespace = string(path, where + ".namespace", entry.getValue());
        case "endpoints" -> {
          Object v = entry.getValue();
          if (v instanceof String s) {
            endpoints.addAll(List.of(s.split(",")).stream().map(String::strip).filter(e -> !e.isEmpty()).toList());
          } else if (v != null) {
            for (Object e : listOf(path, where + ".endpoints", v)) {
              endpoints.add(string(path, where + ".endpoints", e));
            }
          }
        }
        default -> throw new CliException("config file " + path + ": " + where + "." + key
            + ": unknown field; expected name, endpoints or namespace");
      }
    }
    if (name == null || name.isEmpty()) {
      throw new CliException("config file " + path + ": " + where + ".name: required");
    }
    return new Context(name, List.copyOf(endpoints), namespace);
  }

  private static String string(Path path, String where, Object value) {
    if (value == null) {
      return null;
    }
    if (!(value instanceof String s)) {
      throw new CliException("config file " + path + ": " + where + ": expected a string, got " + value);
    }
    return s;
  }

  private static List<?> listOf(Path path, String where, Object value) {
    if (!(value instanceof List<?> list)) {
      throw new CliException("config file " + path + ": " + where + ": expected a list");
    }
    return list;
  }

  public Optional<String> currentContext() {
    return Optional.ofNullable(currentContext).filter(c -> !c.isEmpty());
  }

  public void setCurrentContext(String name) {
    this.currentContext = name;
  }

  public Optional<Context> context(String name) {
    return Optional.ofNullable(contexts.get(name));
  }

  public List<Context> contexts() {
    return List.copyOf(contexts.values());
  }

  public void putContext(Context context) {
    contexts.put(context.name(), context);
  }

  public boolean removeContext(String name) {
    return contexts.remove(name) != null;
  }

  public Map<String, Object> toTree() {
    Map<String, Object> tree = new LinkedHashMap<>();
    tree.put("current-context", currentContext == null ? "" : currentContext);
    tree.put("contexts", contexts.values().stream().map(Context::toTree).toList());
    return tree;
  }

  /** Writes the file (readable by its owner only), creating its directory. */
  public void save(Path path) {
    try {
      Path dir = path.toAbsolutePath().getParent();
      if (dir != null) {
        Files.createDirectories(dir);
      }
      Path tmp = Files.createTempFile(dir, ".config", ".tmp");
      try {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException e) {
        // not a POSIX file system: the default permissions stand
      }
      Files.writeString(tmp, Yamls.dump(toTree()), StandardCharsets.UTF_8);
      Files.move(tmp, path, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new CliException("cannot write the config file " + path + ": " + e.getMessage());
    }
  }
}
