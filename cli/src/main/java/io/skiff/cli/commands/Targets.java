package io.skiff.cli.commands;

import io.skiff.cli.CliException;
import io.skiff.client.ResourceType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What `get`, `describe` and `delete` are asked about, as kubectl reads it:
 * "TYPE[,TYPE...] [NAME...]" or "TYPE/NAME [TYPE/NAME...]".
 */
record Targets(List<Target> targets, boolean explicitKinds) {
  /** One type and the names given for it (none: every object of the type). */
  record Target(ResourceType<?> type, List<String> names) {
  }

  static Targets parse(List<String> args) {
    if (args.isEmpty()) {
      throw new CliException("name a resource type: one of " + Resources.known());
    }
    if (args.get(0).contains("/")) {
      Map<ResourceType<?>, List<String>> byType = new LinkedHashMap<>();
      for (String arg : args) {
        int slash = arg.indexOf('/');
        if (slash <= 0 || slash == arg.length() - 1) {
          throw new CliException("\"" + arg + "\": expected TYPE/NAME, as the arguments before it");
        }
        byType.computeIfAbsent(Resources.type(arg.substring(0, slash)), t -> new ArrayList<>())
            .add(arg.substring(slash + 1));
      }
      List<Target> targets = new ArrayList<>();
      byType.forEach((type, names) -> targets.add(new Target(type, names)));
      return new Targets(targets, true);
    }
    List<Target> targets = new ArrayList<>();
    List<String> names = args.subList(1, args.size());
    for (String name : names) {
      if (name.contains("/")) {
        throw new CliException("\"" + name + "\": TYPE/NAME cannot follow a bare TYPE");
      }
    }
    // "all", as kubectl's: the workload kinds (of Skiff's, pods, deployments and replica sets)
    String[] types = args.get(0).equals("all") ? new String[] {"pods", "deployments", "replicasets"}
        : args.get(0).split(",");
    if (types.length > 1 && !names.isEmpty()) {
      throw new CliException("names can be given with one resource type only; use TYPE/NAME for several");
    }
    for (String type : types) {
      if (!type.isEmpty()) {
        targets.add(new Target(Resources.type(type), List.copyOf(names)));
      }
    }
    return new Targets(targets, types.length > 1 || args.get(0).equals("all"));
  }
}
