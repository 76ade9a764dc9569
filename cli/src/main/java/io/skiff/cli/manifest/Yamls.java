package io.skiff.cli.manifest;

import java.util.ArrayList;
import java.util.List;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.NodeId;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.representer.Representer;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * YAML as manifests and the config file use it: YAML 1.1 read as Kubernetes
 * reads it (yes/no are booleans, as in go-yaml), except that timestamps stay
 * strings and a key given twice is an error; written in kubectl's block style.
 * JSON is read by the same parser. Trees are maps, lists, strings, numbers,
 * booleans and nulls.
 */
public final class Yamls {
  private Yamls() {
  }

  /** A new parser each time: SnakeYAML's are not thread-safe. */
  private static Yaml loader() {
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(false);
    options.setMaxAliasesForCollections(100);
    options.setCodePointLimit(32 * 1024 * 1024);
    return new Yaml(new TreeConstructor(options), new Representer(new DumperOptions()), new DumperOptions(), options);
  }

  /** Every document of {@code text}, nulls for empty ones; parse errors are SnakeYAML's MarkedYAMLException. */
  public static List<Object> loadAll(String text) {
    List<Object> documents = new ArrayList<>();
    for (Object document : loader().loadAll(text)) {
      documents.add(document);
    }
    return documents;
  }

  /** The documents of {@code text}, each parsed when reached: an error is thrown by the iterator, in its place. */
  public static Iterable<Object> loadAllLazily(String text) {
    return loader().loadAll(text);
  }

  public static Object loadOne(String text) {
    return loader().load(text);
  }

  public static String dump(Object tree) {
    DumperOptions options = new DumperOptions();
    options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
    options.setIndent(2);
    options.setSplitLines(false);
    options.setWidth(Integer.MAX_VALUE);
    return new Yaml(new BlockStrings(options), options).dump(tree);
  }

  private static final class TreeConstructor extends SafeConstructor {
    TreeConstructor(LoaderOptions options) {
      super(options);
      // go-yaml leaves timestamps as strings when decoding into JSON, and so does Kubernetes
      this.yamlConstructors.put(Tag.TIMESTAMP, new ConstructYamlStr());
    }
  }

  /** Multi-line strings as literal blocks ("|"), as kubectl writes them. */
  private static final class BlockStrings extends Representer {
    BlockStrings(DumperOptions options) {
      super(options);
      Resolver resolver = new Resolver();
      this.representers.put(String.class, data -> {
        String s = (String) data;
        DumperOptions.ScalarStyle style;
        if (s.contains("\n")) {
          style = DumperOptions.ScalarStyle.LITERAL;
        } else if (!resolver.resolve(NodeId.scalar, s, true).equals(Tag.STR)) {
          // "8080", "true", "null" would read back as other types: quoted as kubectl quotes them
          style = DumperOptions.ScalarStyle.DOUBLE_QUOTED;
        } else {
          style = DumperOptions.ScalarStyle.PLAIN;
        }
        return representScalar(Tag.STR, s, style);
      });
    }
  }
}
