package io.skiff.cli.commands;

import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** kubectl cordon. */
@Command(name = "cordon", header = "Mark nodes unschedulable: the scheduler places no new pods on them.",
    description = {"", "Pods already there keep running; `skiff drain` also moves them away."},
    footerHeading = "%nExamples:%n", footer = {"  skiff cordon node-1"})
public final class CordonCommand extends BaseCommand {
  @Parameters(paramLabel = "NODE", arity = "1..*", description = "The nodes: NAME or node/NAME.")
  List<String> nodes;

  @Override
  public Integer call() {
    NodeArgs.schedulable(this, nodes, true);
    return 0;
  }
}
