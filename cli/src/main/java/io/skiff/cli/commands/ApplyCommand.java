package io.skiff.cli.commands;

import io.grpc.StatusRuntimeException;
import io.skiff.cli.ApiErrors;
import io.skiff.cli.CliException;
import io.skiff.cli.manifest.ManifestReader;
import io.skiff.cli.output.ObjectFormats;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** kubectl apply: create what is missing, update what differs, leave the rest. */
@Command(name = "apply", sortOptions = false,
    header = "Create or update objects from manifests, so that they match.",
    description = {"",
        "Manifests are Kubernetes': apiVersion (v1, apps/v1), kind (Namespace, Pod, ReplicaSet, Deployment, ...), "
            + "metadata, spec. Every document is read and checked before anything is written; a field the API does "
            + "not have, or a value of the wrong type, is an error naming the file, document and field.",
        "",
        "An update keeps what others own (status, defaults, the scheduler's nodeName, a controller's annotations) "
            + "and removes what an earlier apply set and this manifest no longer has, as kubectl apply does; the "
            + "manifest is kept in the annotation skiff.io/last-applied-configuration. Applying the same manifest "
            + "again changes nothing."},
    footerHeading = "%nExamples:%n",
    footer = {"  skiff apply -f examples/web-deployment.yaml", "  skiff apply -f examples/ --dry-run",
        "  cat pod.json | skiff apply -f -"})
public final class ApplyCommand extends BaseCommand {
  @Mixin
  FileOptions files;

  @Option(names = "--dry-run", arity = "0..1", fallbackValue = "client", paramLabel = "client",
      description = "Check the manifests and print what would be created or changed, writing nothing. "
          + "(client, the default; a dry run on the server is not available yet.)")
  String dryRun;

  @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", description = "name, yaml or json: print the objects "
      + "as they are after the apply instead of a line each.")
  String output;

  @Override
  public Integer call() {
    boolean dry = DryRun.parse(dryRun);
    List<Placed> objects = Placed.all(ManifestReader.read(files.files, files.recursive, cli().in()),
        root().namespaceFlag(), namespace());
    Applier applier = new Applier(session(), dry);
    boolean failed = false;
    for (Placed placed : objects) {
      try {
        Applier.Result result = applier.apply(placed.manifest().type(), placed.object());
        report(placed, result, dry);
      } catch (StatusRuntimeException e) {
        if (ApiErrors.isConnectionFailure(e)) {
          throw e;
        }
        cli().err().println("error: " + placed.manifest().label() + ": "
            + ApiErrors.describe(e.getStatus(), session()));
        failed = true;
      } catch (CliException e) {
        cli().err().println("error: " + placed.manifest().label() + ": " + e.getMessage());
        failed = true;
      }
    }
    return failed ? 1 : 0;
  }

  private void report(Placed placed, Applier.Result result, boolean dry) {
    var type = placed.manifest().type();
    if (output == null || output.equals("name")) {
      String ref = Resources.ref(type, Resources.meta(result.object()).getName());
      out().println(output == null ? ref + " " + result.outcome().word + (dry ? " (dry run)" : "") : ref);
    } else if (output.equals("yaml")) {
      out().print("---\n" + ObjectFormats.format("yaml", ObjectFormats.tree(type, result.object())));
    } else if (output.equals("json")) {
      out().print(ObjectFormats.format("json", ObjectFormats.tree(type, result.object())));
    } else {
      throw new CliException("--output: \"" + output + "\" is not one of name, yaml, json");
    }
  }
}
