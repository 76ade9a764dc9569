package io.skiff.cli.commands;

import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** kubectl uncordon. */
@Command(name = "uncordon", header = "Mark nodes schedulable again.",
    footerHeading = "%nExamples:%n", footer = {"  skiff uncordon node-1"})
public final class UncordonCommand extends BaseCommand {
  @Parameters(paramLabel = "NODE", arity = "1..*", description = "The nodes: NAME or node/NAME.")
  List<String> nodes;

  @Override
  public Integer call() {
    NodeArgs.schedulable(this, nodes, false);
    return 0;
  }
}
