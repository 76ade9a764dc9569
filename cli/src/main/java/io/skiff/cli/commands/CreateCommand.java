package io.skiff.cli.commands;

import com.google.protobuf.Message;
import io.grpc.StatusRuntimeException;
import io.skiff.api.v1.ObjectMeta;
import io.skiff.cli.ApiErrors;
import io.skiff.cli.manifest.Json;
import io.skiff.cli.manifest.ManifestReader;
import io.skiff.cli.output.ObjectFormats;
import io.skiff.client.ResourceType;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** kubectl create -f: create each object; one that exists already is an error (and the rest go on). */
@Command(name = "create", sortOptions = false,
    header = "Create objects from manifests; an object that exists already is an error.",
    description = {"", "Manifests are read and checked as `skiff apply` does. Use apply to create-or-update."},
    footerHeading = "%nExamples:%n",
    footer = {"  skiff create -f examples/pod.yaml", "  skiff create -f examples/ --dry-run"})
public final class CreateCommand extends BaseCommand {
  @Mixin
  FileOptions files;

  @Option(names = "--dry-run", arity = "0..1", fallbackValue = "client", paramLabel = "client",
      description = "Check the manifests and print what would be created, writing nothing.")
  String dryRun;

  @Option(names = "--save-config", description = "Keep the manifest in the object's last-applied annotation, "
      + "so that a later apply can tell what it set.")
  boolean saveConfig;

  @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", description = "name, yaml or json.")
  String output;

  @Override
  public Integer call() {
    boolean dry = DryRun.parse(dryRun);
    List<Placed> objects = Placed.all(ManifestReader.read(files.files, files.recursive, cli().in()),
        root().namespaceFlag(), namespace());
    boolean failed = false;
    for (Placed placed : objects) {
      ResourceType<?> type = placed.manifest().type();
      Message object = saveConfig ? withConfig(type, placed.object()) : placed.object();
      try {
        Message created = dry ? object : create(type, object);
        print(type, created, dry);
      } catch (StatusRuntimeException e) {
        if (ApiErrors.isConnectionFailure(e)) {
          throw e;
        }
        cli().err().println("error: " + placed.manifest().label() + ": "
            + ApiErrors.describe(e.getStatus(), session()));
        failed = true;
      }
    }
    return failed ? 1 : 0;
  }

  @SuppressWarnings("unchecked")
  private <T extends Message> Message create(ResourceType<T> type, Message object) {
    return session().client(type).create((T) object);
  }

  private static Message withConfig(ResourceType<?> type, Message object) {
    Map<String, Object> tree = ObjectFormats.tree(type, object);
    tree.remove("status");
    ObjectMeta meta = Resources.meta(object);
    return Resources.withMeta(object, meta.toBuilder().putAnnotations(Applier.LAST_APPLIED, Json.compact(tree)).build());
  }

  private void print(ResourceType<?> type, Message object, boolean dry) {
    String name = Resources.meta(object).getName();
    if (name.isEmpty()) {
      name = Resources.meta(object).getGenerateName();
    }
    if (output == null) {
      out().println(Resources.ref(type, name) + " created" + (dry ? " (dry run)" : ""));
    } else if (output.equals("name")) {
      out().println(Resources.ref(type, name));
    } else {
      out().print((output.equals("yaml") ? "---\n" : "") + ObjectFormats.format(output, ObjectFormats.tree(type, object)));
    }
  }
}
