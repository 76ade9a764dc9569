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
 * needs: named contexts, each a list of master endpoints, a namespace and the
 * credentials to use, and which one is current.
 *
 * <pre>
 * current-context: local
 * contexts:
 * - name: local
 *   endpoints: [127.0.0.1:6443, 127.0.0.1:6444, 127.0.0.1:6445]
 *   namespace: default
 *   certificate-authority: pki/ca.crt     # relative paths: to this file's directory
 *   client-certificate: pki/admin.crt
 *   client-key: pki/admin.key
 *   token: ID.SECRET                      # a bearer token, instead of or besides a certificate
 * - name: dev
 *   endpoints: [127.0.0.1:7443]
 *   insecure: true                        # plaintext, for masters started with --insecure
 * </pre>
 *
 * Unknown keys are errors, as in manifests. The file holds secrets (tokens):
 * it is written readable by its owner only, and {@link #toTree(boolean)}
 * hides them for printing. Not thread-safe.
 */
public final class CliConfig {
  /** Shown instead of a secret, as kubectl shows one. */
  public static final String REDACTED = "REDACTED";

  /**
   * A named place to work: the masters, the namespace used when none is given, and how to
   * authenticate to them. File paths are as written (resolve them with {@link #resolve}).
   *
   * @param token a bearer token "ID.SECRET", or null
   * @param insecure plaintext, no credentials
   */
  public record Context(String name, List<String> endpoints, String namespace, String certificateAuthority,
      String clientCertificate, String clientKey, String token, boolean insecure) {

    public Context(String name, List<String> endpoints, String namespace) {
      this(name, endpoints, namespace, null, null, null, null, false);
    }

    Map<String, Object> toTree(boolean redactSecrets) {
      Map<String, Object> tree = new LinkedHashMap<>();
      tree.put("name", name);
      tree.put("endpoints", endpoints);
      if (namespace != null && !namespace.isEmpty()) {
        tree.put("namespace", namespace);
      }
      putIfSet(tree, "certificate-authority", certificateAuthority);
      putIfSet(tree, "client-certificate", clientCertificate);
      putIfSet(tree, "client-key", clientKey);
      putIfSet(tree, "token", token == null || !redactSecrets ? token : REDACTED);
      if (insecure) {
        tree.put("insecure", true);
      }
      return tree;
    }

    private static void putIfSet(Map<String, Object> tree, String key, String value) {
      if (value != null && !value.isEmpty()) {
        tree.put(key, value);
      }
    }

    /** {@code file} as a path: a relative one is taken from {@code configDir}, as kubectl does; null stays null. */
    public static Path resolve(Path configDir, String file) {
      if (file == null || file.isEmpty()) {
        return null;
      }
      Path path = Path.of(file);
      return path.isAbsolute() || configDir == null ? path : configDir.resolve(path);
    }

    @Override
    public String toString() {
      return "Context[" + name + " " + endpoints + (token == null ? "" : ", token " + REDACTED) + "]";
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
    String certificateAuthority = null;
    String clientCertificate = null;
    String clientKey = null;
    String token = null;
    boolean insecure = false;
    List<String> endpoints = new ArrayList<>();
    for (Map.Entry<?, ?> entry : map.entrySet()) {
      String key = String.valueOf(entry.getKey());
      switch (key) {
        case "name" -> name = string(path, where + ".name", entry.getValue());
        case "namespace" -> namespace = string(path, where + ".namespace", entry.getValue());
        case "certificate-authority" -> certificateAuthority = string(path, where + "." + key, entry.getValue());
        case "client-certificate" -> clientCertificate = string(path, where + "." + key, entry.getValue());
        case "client-key" -> clientKey = string(path, where + "." + key, entry.getValue());
        case "token" -> token = secret(path, where + "." + key, entry.getValue());
        case "insecure" -> insecure = bool(path, where + "." + key, entry.getValue());
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
            + ": unknown field; expected name, endpoints, namespace, certificate-authority, client-certificate, "
            + "client-key, token or insecure");
      }
    }
    if (name == null || name.isEmpty()) {
      throw new CliException("config file " + path + ": " + where + ".name: required");
    }
    return new Context(name, List.copyOf(endpoints), namespace, certificateAuthority, clientCertificate, clientKey,
        token, insecure);
  }

  /** A string whose value never goes into a message. */
  private static String secret(Path path, String where, Object value) {
    if (value != null && !(value instanceof String)) {
      throw new CliException("config file " + path + ": " + where + ": expected a string");
    }
    return (String) value;
  }

  private static boolean bool(Path path, String where, Object value) {
    if (value == null) {
      return false;
    }
    if (!(value instanceof Boolean b)) {
      throw new CliException("config file " + path + ": " + where + ": expected true or false, got " + value);
    }
    return b;
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

  /** The file's content; {@code redactSecrets}: tokens shown as {@value #REDACTED}, for printing. */
  public Map<String, Object> toTree(boolean redactSecrets) {
    Map<String, Object> tree = new LinkedHashMap<>();
    tree.put("current-context", currentContext == null ? "" : currentContext);
    tree.put("contexts", contexts.values().stream().map(c -> c.toTree(redactSecrets)).toList());
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
      Files.writeString(tmp, Yamls.dump(toTree(false)), StandardCharsets.UTF_8);
      Files.move(tmp, path, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new CliException("cannot write the config file " + path + ": " + e.getMessage());
    }
  }
}
