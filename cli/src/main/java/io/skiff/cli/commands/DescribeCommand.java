package io.skiff.cli.commands;

import com.google.protobuf.Message;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.skiff.api.v1.Deployment;
import io.skiff.api.v1.ListRequest;
import io.skiff.api.v1.Namespace;
import io.skiff.api.v1.Node;
import io.skiff.api.v1.Pod;
import io.skiff.api.v1.ReplicaSet;
import io.skiff.cli.CliException;
import io.skiff.cli.describe.ClusterDescriber;
import io.skiff.cli.describe.Lookup;
import io.skiff.cli.describe.PodDescriber;
import io.skiff.cli.describe.WorkloadDescriber;
import io.skiff.client.ResourceClient;
import io.skiff.client.ResourceType;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** kubectl describe: an object's fields in a readable layout, with its events. */
@Command(name = "describe", sortOptions = false,
    customSynopsis = {"skiff describe [OPTIONS] TYPE [NAME...]", "       skiff describe [OPTIONS] TYPE/NAME..."},
    header = "Show objects in detail, with their events.",
    description = {"", "A NAME that matches no object exactly describes every object whose name starts with it, "
        + "as kubectl does. Without names, every object of the type (in the namespace, or matching -l)."},
    footerHeading = "%nExamples:%n",
    footer = {"  skiff describe pod web-7d4b9c-x2x5q", "  skiff describe deploy web", "  skiff describe nodes"})
public final class DescribeCommand extends BaseCommand {
  @Parameters(paramLabel = "TYPE [NAME...] | TYPE/NAME...", arity = "1..*", hidden = true, completionCandidates = TypeNames.class)
  List<String> args;

  @Option(names = {"-l", "--selector"}, paramLabel = "SELECTOR", description = "Objects with these labels.")
  String selector = "";

  @Option(names = {"-A", "--all-namespaces"}, description = "Every namespace.")
  boolean allNamespaces;

  @Override
  public Integer call() {
    Targets targets = Targets.parse(args);
    Lookup lookup = new SessionLookup(session());
    List<String> texts = new ArrayList<>();
    for (Targets.Target target : targets.targets()) {
      for (Message object : find(target)) {
        texts.add(describe(target.type(), object, lookup));
      }
    }
    if (texts.isEmpty()) {
      cli().err().println("No resources found" + (allNamespaces ? "" : " in " + namespace() + " namespace."));
    }
    out().print(String.join("\n\n", texts));
    return 0;
  }

  private <T extends Message> List<T> find(Targets.Target target) {
    @SuppressWarnings("unchecked")
    ResourceType<T> type = (ResourceType<T>) target.type();
    ResourceClient<T> client = session().client(type);
    String ns = type.namespaced() ? namespace() : "";
    if (target.names().isEmpty()) {
      return Resources.list(client, ListRequest.newBuilder().setNamespace(allNamespaces ? "" : ns)
          .setLabelSelector(selector).build()).items();
    }
    List<T> found = new ArrayList<>();
    for (String name : target.names()) {
      try {
        found.add(client.get(ns, name));
      } catch (StatusRuntimeException e) {
        if (e.getStatus().getCode() != Status.Code.NOT_FOUND) {
          throw e;
        }
        List<T> prefixed = Resources.list(client, ListRequest.newBuilder().setNamespace(ns).build()).items().stream()
            .filter(o -> Resources.meta(o).getName().startsWith(name)).toList();
        if (prefixed.isEmpty()) {
          throw new CliException(e.getStatus().getDescription());
        }
        found.addAll(prefixed);
      }
    }
    return found;
  }

  private String describe(ResourceType<?> type, Message object, Lookup lookup) {
    if (object instanceof Pod pod) {
      return PodDescriber.describe(pod, lookup, now());
    } else if (object instanceof Deployment d) {
      return WorkloadDescriber.deployment(d, lookup, now());
    } else if (object instanceof ReplicaSet rs) {
      return WorkloadDescriber.replicaSet(rs, lookup, now());
    } else if (object instanceof Node node) {
      return ClusterDescriber.node(node, lookup, now());
    } else if (object instanceof Namespace ns) {
      return ClusterDescriber.namespace(ns, lookup, now());
    }
    return ClusterDescriber.generic(type, object, lookup, now());
  }
}
