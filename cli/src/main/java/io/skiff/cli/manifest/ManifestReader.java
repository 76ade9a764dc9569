package io.skiff.cli.manifest;

import com.google.protobuf.Message;
import io.skiff.cli.CliException;
import io.skiff.client.ResourceType;
import io.skiff.client.ResourceTypes;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Reads the objects of {@code -f} arguments: files, directories (their
 * .yaml, .yml and .json files, sorted; with {@code recursive}, also those
 * below) and "-" for standard input. Each file holds one or more YAML
 * documents (JSON is YAML too), each an object with apiVersion and kind, or a
 * {@code kind: List} of them. Everything is read and checked before anything
 * is returned: one bad document fails the whole read, naming every problem.
 */
public final class ManifestReader {
  private final List<Manifest> manifests = new ArrayList<>();
  private final List<String> problems = new ArrayList<>();

  private ManifestReader() {
  }

  public static List<Manifest> read(List<String> arguments, boolean recursive, InputStream stdin) {
    ManifestReader reader = new ManifestReader();
    for (String argument : arguments) {
      if (argument.equals("-")) {
        reader.readStdin(stdin);
        continue;
      }
      Path path = Path.of(argument);
      if (Files.isDirectory(path)) {
        reader.readDirectory(path, recursive);
      } else if (Files.exists(path)) {
        reader.readFile(path, argument);
      } else {
        throw new CliException("the path \"" + argument + "\" does not exist");
      }
    }
    if (!reader.problems.isEmpty()) {
      throw new ManifestException(reader.problems);
    }
    if (reader.manifests.isEmpty()) {
      throw new CliException("no objects passed (the files given hold no documents)");
    }
    return List.copyOf(reader.manifests);
  }

  private void readStdin(InputStream stdin) {
    try {
      readText("STDIN", new String(stdin.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new CliException("cannot read standard input: " + e.getMessage());
    }
  }

  private void readDirectory(Path dir, boolean recursive) {
    try (Stream<Path> entries = recursive ? Files.walk(dir) : Files.list(dir)) {
      List<Path> files = entries.filter(Files::isRegularFile).filter(ManifestReader::isManifestFile).sorted().toList();
      for (Path file : files) {
        readFile(file, file.toString());
      }
    } catch (IOException e) {
      throw new CliException("cannot read the directory " + dir + ": " + e.getMessage());
    }
  }

  private static boolean isManifestFile(Path file) {
    String name = file.getFileName().toString();
    return name.endsWith(".yaml") || name.endsWith(".yml") || name.endsWith(".json");
  }

  private void readFile(Path path, String source) {
    try {
      readText(source, Files.readString(path, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new CliException("cannot read " + source + ": " + e.getMessage());
    }
  }

  /** Parses document by document, so a syntax error names the document it is in. */
  private void readText(String source, String text) {
    int document = 0;
    try {
      Iterator<Object> documents = Yamls.loadAllLazily(text).iterator();
      while (documents.hasNext()) {
        document++;
        Object tree = documents.next();
        if (tree != null) {
          readDocument(source, document, tree);
        }
      }
    } catch (MarkedYAMLException e) {
      Mark mark = e.getProblemMark();
      String where = mark == null ? "" : "line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1) + ": ";
      problems.add(source + ": document " + Math.max(document, 1) + ": " + where + "invalid YAML: " + e.getProblem());
    } catch (YAMLException e) {
      problems.add(source + ": document " + Math.max(document, 1) + ": invalid YAML: " + e.getMessage());
    }
  }

  private void readDocument(String source, int document, Object tree) {
    if (!(tree instanceof Map<?, ?> map)) {
      problems.add(Manifest.label(source, document, -1, null, null)
          + ": expected an object with apiVersion and kind, got " + Values.show(tree));
      return;
    }
    if ("List".equals(map.get("kind")) && "v1".equals(map.get("apiVersion"))) {
      Object items = map.get("items");
      if (items != null && !(items instanceof List<?>)) {
        problems.add(Manifest.label(source, document, -1, "List", null) + ": items: expected a list");
        return;
      }
      List<?> list = items == null ? List.of() : (List<?>) items;
      for (int i = 0; i < list.size(); i++) {
        readObject(source, document, i, list.get(i));
      }
      return;
    }
    readObject(source, document, -1, tree);
  }

  private void readObject(String source, int document, int item, Object tree) {
    if (!(tree instanceof Map<?, ?> map)) {
      problems.add(Manifest.label(source, document, item, null, null)
          + ": expected an object with apiVersion and kind, got " + Values.show(tree));
      return;
    }
    Object kind = map.get("kind");
    Object apiVersion = map.get("apiVersion");
    String name = map.get("metadata") instanceof Map<?, ?> meta && meta.get("name") instanceof String n ? n : null;
    String label = Manifest.label(source, document, item, kind instanceof String k ? k : null, name);
    if (!(kind instanceof String kindName) || kindName.isEmpty()) {
      problems.add(label + ": kind: required (one of " + kinds() + ")");
      return;
    }
    ResourceType<?> type = ResourceTypes.ALL.stream().filter(t -> t.kind().equals(kindName)).findFirst().orElse(null);
    if (type == null) {
      problems.add(label + ": kind: " + Json.quote(kindName) + " is not a kind Skiff serves (one of " + kinds() + ")");
      return;
    }
    if (!(apiVersion instanceof String version) || version.isEmpty()) {
      problems.add(label + ": apiVersion: required (" + type.apiVersion() + " for " + type.kind() + ")");
      return;
    }
    if (!version.equals(type.apiVersion())) {
      problems.add(label + ": apiVersion: " + Json.quote(version) + " has no kind " + type.kind() + "; use "
          + type.apiVersion());
      return;
    }
    decode(source, document, item, type, tree, label);
  }

  private <T extends Message> void decode(String source, int document, int item, ResourceType<T> type, Object tree,
      String label) {
    ProtoDecoder.Result<T> result = ProtoDecoder.decode(tree, type.prototype());
    if (!result.ok()) {
      result.problems().forEach(p -> problems.add(label + ": " + p));
      return;
    }
    manifests.add(new Manifest(source, document, item, type, result.message()));
  }

  private static String kinds() {
    return String.join(", ", ResourceTypes.ALL.stream().map(ResourceType::kind).toList());
  }
}
