package io.skiff.cli.commands;

import io.skiff.api.v1.Node;
import io.skiff.cli.CliException;
import io.skiff.client.ResourceTypes;
import java.util.List;

/** Node names as cordon, uncordon and drain take them: NAME or node/NAME. */
final class NodeArgs {
  private NodeArgs() {
  }

  static String name(String arg) {
    int slash = arg.indexOf('/');
    if (slash < 0) {
      return arg;
    }
    if (Resources.type(arg.substring(0, slash)) != ResourceTypes.NODES) {
      throw new CliException("\"" + arg + "\" is not a node");
    }
    return arg.substring(slash + 1);
  }

  /** Sets spec.unschedulable; prints "node/NAME cordoned" or "already cordoned". */
  static void schedulable(BaseCommand command, List<String> names, boolean unschedulable) {
    String verb = unschedulable ? "cordoned" : "uncordoned";
    for (String arg : names) {
      String name = name(arg);
      boolean[] changed = new boolean[1];
      Resources.update(command.session().client(ResourceTypes.NODES), "", name, (Node node) -> {
        changed[0] = node.getSpec().getUnschedulable() != unschedulable;
        return node.toBuilder().setSpec(node.getSpec().toBuilder().setUnschedulable(unschedulable)).build();
      });
      command.out().println("node/" + name + (changed[0] ? " " : " already ") + verb);
    }
  }
}
