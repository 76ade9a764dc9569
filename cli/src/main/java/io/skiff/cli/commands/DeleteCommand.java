package io.skiff.cli.commands;

import com.google.protobuf.Message;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.skiff.api.v1.DeleteRequest;
import io.skiff.api.v1.ListRequest;
import io.skiff.cli.ApiErrors;
import io.skiff.cli.CliException;
import io.skiff.cli.DurationConverter;
import io.skiff.cli.manifest.ManifestReader;
import io.skiff.client.ResourceClient;
import io.skiff.client.ResourceType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** kubectl delete: by name, by manifest, by label selector, or all of a type. */
@Command(name = "delete", sortOptions = false,
    customSynopsis = {"skiff delete [OPTIONS] TYPE NAME... | TYPE/NAME... | -f FILE... | TYPE (-l SELECTOR | --all)"},
    header = "Delete objects by name, by manifest (-f), by label (-l), or all of a type (--all).",
    description = {"", "Pods on a node are deleted gracefully: their node agent stops the containers (within "
        + "--grace-period, else the pod's terminationGracePeriodSeconds) and then the pod goes. By default the "
        + "command waits until the objects are gone (--wait=false returns at once)."},
    footerHeading = "%nExamples:%n",
    footer = {"  skiff delete pod web", "  skiff delete -f examples/web-deployment.yaml",
        "  skiff delete pods -l app=web --grace-period=0", "  skiff delete deploy/web --cascade=orphan"})
public final class DeleteCommand extends BaseCommand {
  @Parameters(paramLabel = "TYPE [NAME...] | TYPE/NAME...", arity = "0..*", hidden = true, completionCandidates = TypeNames.class)
  List<String> args = List.of();

  @Option(names = {"-f", "--filename"}, paramLabel = "FILE|DIR|-", description = "Delete the objects of these manifests.")
  List<String> files = List.of();

  @Option(names = {"-R", "--recursive"}, description = "Also read the directories below a directory given with -f.")
  boolean recursive;

  @Option(names = {"-l", "--selector"}, paramLabel = "SELECTOR", description = "Delete the objects with these labels.")
  String selector;

  @Option(names = "--field-selector", paramLabel = "SELECTOR", description = "Delete the objects with these fields.")
  String fieldSelector;

  @Option(names = "--all", description = "Delete every object of the type (in the namespace).")
  boolean all;

  @Option(names = {"-A", "--all-namespaces"}, description = "With -l or --all: in every namespace.")
  boolean allNamespaces;

  @Option(names = "--grace-period", paramLabel = "SECONDS", defaultValue = "-1",
      description = "Seconds a pod's containers get to stop; 0 deletes at once; -1 (default): the pod's own.")
  long gracePeriod;

  @Option(names = "--cascade", paramLabel = "POLICY", defaultValue = "background",
      description = "What happens to the objects this one owns: background (default: deleted after it), "
          + "foreground (deleted before it), orphan (kept).")
  String cascade;

  @Option(names = "--ignore-not-found", description = "An object that does not exist is no error.")
  boolean ignoreNotFound;

  @Option(names = "--wait", arity = "0..1", fallbackValue = "true", defaultValue = "true", paramLabel = "true|false",
      description = "Wait until the objects are gone (default true).")
  boolean await;

  @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "0", converter = DurationConverter.class,
      description = "How long to wait for the objects to go; 0 (default): as long as it takes.")
  Duration timeout;

  /** One object to delete. */
  private record Victim(ResourceType<?> type, String namespace, String name) {
  }

  @Override
  public Integer call() throws InterruptedException {
    String policy = propagationPolicy(cascade);
    List<Victim> victims = new ArrayList<>();
    collect(victims);
    boolean failed = false;
    List<Deleted> deleted = new ArrayList<>();
    for (Victim victim : victims) {
      try {
        Message gone = delete(victim, policy);
        deleted.add(new Deleted(victim.type(), victim.namespace(), victim.name(), Resources.meta(gone).getUid()));
        out().println(Resources.quoted(victim.type(), victim.name()) + " deleted");
      } catch (StatusRuntimeException e) {
        if (ApiErrors.isConnectionFailure(e)) {
          throw e;
        }
        if (e.getStatus().getCode() == Status.Code.NOT_FOUND && ignoreNotFound) {
          continue;
        }
        cli().err().println("error: " + ApiErrors.describe(e.getStatus(), session()));
        failed = true;
      }
    }
    if (await && !deleted.isEmpty()) {
      new Waiter(session(), timeout).untilGone(deleted);
    }
    return failed ? 1 : 0;
  }

  private void collect(List<Victim> victims) {
    if (!files.isEmpty()) {
      if (!args.isEmpty()) {
        throw new CliException("give either -f or resources, not both");
      }
      for (Placed p : Placed.all(ManifestReader.read(files, recursive, cli().in()), root().namespaceFlag(),
          namespace())) {
        victims.add(new Victim(p.manifest().type(), p.meta().getNamespace(), p.meta().getName()));
      }
      return;
    }
    if (args.isEmpty()) {
      throw new CliException("name what to delete: TYPE NAME, TYPE/NAME, -f FILE, TYPE -l SELECTOR or TYPE --all");
    }
    Targets targets = Targets.parse(args);
    boolean bySelection = selector != null || fieldSelector != null || all;
    for (Targets.Target target : targets.targets()) {
      String ns = target.type().namespaced() ? namespace() : "";
      if (!target.names().isEmpty()) {
        if (bySelection) {
          throw new CliException("names cannot be given with -l, --field-selector or --all");
        }
        target.names().forEach(name -> victims.add(new Victim(target.type(), ns, name)));
      } else if (bySelection) {
        select(target.type(), victims);
      } else {
        throw new CliException("no name given for " + target.type().resource()
            + "; give names, -l SELECTOR or --all");
      }
    }
  }

  private <T extends Message> void select(ResourceType<T> type, List<Victim> victims) {
    ResourceClient<T> client = session().client(type);
    ListRequest request = ListRequest.newBuilder()
        .setNamespace(type.namespaced() && !allNamespaces ? namespace() : "")
        .setLabelSelector(selector == null ? "" : selector)
        .setFieldSelector(fieldSelector == null ? "" : fieldSelector).build();
    List<T> items = Resources.list(client, request).items();
    if (items.isEmpty()) {
      cli().err().println("No resources found");
    }
    for (T item : items) {
      var meta = Resources.meta(item);
      victims.add(new Victim(type, meta.getNamespace(), meta.getName()));
    }
  }

  private Message delete(Victim victim, String policy) {
    DeleteRequest.Builder request = DeleteRequest.newBuilder().setNamespace(victim.namespace()).setName(victim.name())
        .setPropagationPolicy(policy);
    if (gracePeriod >= 0) {
      request.setGracePeriodSeconds(gracePeriod);
    }
    return session().client(victim.type()).delete(request.build());
  }

  static String propagationPolicy(String cascade) {
    return switch (cascade.toLowerCase(java.util.Locale.ROOT)) {
      case "background", "true" -> "Background";
      case "foreground" -> "Foreground";
      case "orphan", "false" -> "Orphan";
      default -> throw new CliException("--cascade: \"" + cascade + "\" is not one of background, foreground, orphan");
    };
  }
}
