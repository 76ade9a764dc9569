package io.skiff.cli.commands;

import com.google.protobuf.Message;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.skiff.api.v1.Event;
import io.skiff.api.v1.ListRequest;
import io.skiff.cli.CliException;
import io.skiff.cli.output.ObjectFormats;
import io.skiff.cli.output.Tables;
import io.skiff.client.ResourceClient;
import io.skiff.client.ResourceType;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** kubectl get: tables, or the objects as YAML, JSON or names; -w keeps printing changes. */
@Command(name = "get", sortOptions = false,
    customSynopsis = {"skiff get [OPTIONS] TYPE[,TYPE...] [NAME...]", "       skiff get [OPTIONS] TYPE/NAME..."},
    header = "Show objects: a table, or YAML, JSON or names.",
    description = {"", "TYPE is one of pods (po), nodes (no), deployments (deploy), replicasets (rs), namespaces (ns), "
        + "events (ev), leases, rolebindings, clusterrolebindings; several may be given with commas. With -w, changes are printed as they happen "
        + "(the watch moves to another master if the one in use goes away)."},
    footerHeading = "%nExamples:%n",
    footer = {"  skiff get pods", "  skiff get po web -o yaml", "  skiff get deploy,rs -l app=web",
        "  skiff get pods -A --field-selector spec.nodeName=node-1", "  skiff get pods -w"})
public final class GetCommand extends BaseCommand {
  @Parameters(paramLabel = "TYPE[,TYPE...] [NAME...] | TYPE/NAME...", arity = "1..*", hidden = true,
      completionCandidates = TypeNames.class)
  List<String> args;

  @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", description = "wide, yaml, json or name.")
  String output;

  @Option(names = {"-l", "--selector"}, paramLabel = "SELECTOR", description = "Only objects with these labels: "
      + "app=web, tier in (front,back), !canary.")
  String selector = "";

  @Option(names = "--field-selector", paramLabel = "SELECTOR",
      description = "Only objects with these field values: metadata.name=web, spec.nodeName=node-1, status.phase!=Running.")
  String fieldSelector = "";

  @Option(names = {"-A", "--all-namespaces"}, description = "Every namespace.")
  boolean allNamespaces;

  @Option(names = {"-w", "--watch"}, description = "After the list, print each change.")
  boolean watch;

  @Option(names = "--watch-only", description = "Print only changes, not the list first.")
  boolean watchOnly;

  @Option(names = "--output-watch-events", description = "With -w: an EVENT column (ADDED, MODIFIED, DELETED).")
  boolean outputWatchEvents;

  @Option(names = "--show-labels", description = "A LABELS column.")
  boolean showLabels;

  @Option(names = "--no-headers", description = "Tables without their header line.")
  boolean noHeaders;

  @Option(names = "--ignore-not-found", description = "No error for named objects that do not exist.")
  boolean ignoreNotFound;

  @Override
  public Integer call() throws Exception {
    if (output != null && !List.of("wide", "yaml", "json", "name").contains(output)) {
      throw new CliException("--output: \"" + output + "\" is not one of wide, yaml, json, name");
    }
    Targets targets = Targets.parse(args);
    if (watch || watchOnly) {
      if (targets.targets().size() != 1 || targets.targets().get(0).names().size() > 1) {
        throw new CliException("-w watches one resource type, and at most one name");
      }
      return new GetWatch(this, targets.targets().get(0)).run();
    }
    List<Listing> listings = new ArrayList<>();
    boolean failed = false;
    for (Targets.Target target : targets.targets()) {
      Listing listing = new Listing(target.type(), new ArrayList<>());
      failed |= fetch(target, listing.objects());
      listings.add(listing);
    }
    print(listings, targets);
    return failed ? 1 : 0;
  }

  /** A type's objects as fetched. */
  record Listing(ResourceType<?> type, List<Message> objects) {
  }

  /** Fetches into {@code into}; true when a named object was missing (after saying so). */
  private <T extends Message> boolean fetch(Targets.Target target, List<Message> into) {
    @SuppressWarnings("unchecked")
    ResourceType<T> type = (ResourceType<T>) target.type();
    ResourceClient<T> client = session().client(type);
    String ns = namespace();
    if (target.names().isEmpty()) {
      List<T> items = Resources.list(client, listRequest(type)).items();
      into.addAll(type.resource().equals("events") ? sortEvents(items) : items);
      return false;
    }
    boolean missing = false;
    for (String name : target.names()) {
      try {
        into.add(client.get(type.namespaced() ? ns : "", name));
      } catch (StatusRuntimeException e) {
        if (e.getStatus().getCode() != Status.Code.NOT_FOUND) {
          throw e;
        }
        if (!ignoreNotFound) {
          cli().err().println("error: " + e.getStatus().getDescription());
          missing = true;
        }
      }
    }
    return missing;
  }

  ListRequest listRequest(ResourceType<?> type) {
    return ListRequest.newBuilder().setNamespace(type.namespaced() && !allNamespaces ? namespace() : "")
        .setLabelSelector(selector).setFieldSelector(fieldSelector).build();
  }

  @SuppressWarnings("unchecked")
  private static <T extends Message> List<T> sortEvents(List<T> events) {
    List<T> sorted = new ArrayList<>(events);
    sorted.sort(Comparator.comparing(e -> {
      var t = Tables.lastSeen((Event) e);
      return t.getSeconds() * 1_000_000_000L + t.getNanos();
    }));
    return sorted;
  }

  private void print(List<Listing> listings, Targets targets) {
    int total = listings.stream().mapToInt(l -> l.objects().size()).sum();
    boolean named = targets.targets().stream().anyMatch(t -> !t.names().isEmpty());
    if (output != null && (output.equals("yaml") || output.equals("json"))) {
      List<Map<String, Object>> trees = new ArrayList<>();
      listings.forEach(l -> l.objects().forEach(o -> trees.add(ObjectFormats.tree(l.type(), o))));
      if (trees.isEmpty() && !named) {
        noResources(listings);
      } else if (trees.size() == 1 && named && targets.targets().get(0).names().size() == 1) {
        out().print(ObjectFormats.format(output, trees.get(0)));
      } else if (!trees.isEmpty() || !named) {
        out().print(ObjectFormats.format(output, ObjectFormats.list(trees)));
      }
      return;
    }
    if (total == 0) {
      if (!named) {
        noResources(listings);
      }
      return;
    }
    boolean kindPrefix = listings.size() > 1 || targets.explicitKinds();
    boolean first = true;
    for (Listing listing : listings) {
      if (listing.objects().isEmpty()) {
        continue;
      }
      if ("name".equals(output)) {
        listing.objects().forEach(o -> out().println(Resources.ref(listing.type(), Resources.meta(o).getName())));
        continue;
      }
      if (!first) {
        out().println();
      }
      first = false;
      TablePrinter printer = new TablePrinter(listing.type(), "wide".equals(output), allNamespaces, kindPrefix,
          showLabels);
      out().print(printer.table(listing.objects(), now(), !noHeaders));
    }
  }

  private void noResources(List<Listing> listings) {
    boolean namespaced = listings.stream().anyMatch(l -> l.type().namespaced());
    cli().err().println(namespaced && !allNamespaces ? "No resources found in " + namespace() + " namespace."
        : "No resources found");
  }
}
